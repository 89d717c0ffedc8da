// The text form of graphs: a reader that refuses every kind of malformed input (truncations, wrong JSON
// types anywhere, bad nodes, bad control-flow structure) with an error naming the file and the node or field,
// and never crashes.
#include "graph/graph_io.h"

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "graph/ops/array_ops.h"
#include "graph/ops/control_flow_ops.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/matmul_ops.h"
#include "graph/ops/nn_ops.h"
#include "graph/ops/reduction_ops.h"
#include "graph/ops/state_ops.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/graph/graph_io_test_util.h"

namespace graph {
namespace {

using graph_io_testing::BuildControlFlowGraph;
using graph_io_testing::ExpectInvalid;
using graph_io_testing::kGraphSource;
using graph_io_testing::Serialize;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::ordered_json;
using Vars = std::vector<Output>;

// A small graph: x -> matmul(x, w) -> relu -> sum, with stable names.
std::string SmallGraphJson(int indent = -1) {
  Scope s = Scope::NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DType::kFloat32, {Shape::kUnknownDim, 3});
  Output w = ops::Const(s.WithOpName("w"), Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {3, 2}));
  Output mm = ops::MatMul(s.WithOpName("matmul"), x, w);
  Output r = ops::Relu(s.WithOpName("relu"), mm);
  ops::Sum(s.WithOpName("sum"), r, {1});
  EXPECT_TRUE(s.ok());
  return Serialize(*s.graph(), {.indent = indent, .include_locations = false}).json;
}

// A loop with captures in both bodies and a Cond, small enough to mutate exhaustively.
std::string SmallControlFlowJson() {
  Scope s = Scope::NewRootScope();
  Output x0 = ops::Placeholder(s.WithOpName("x0"), DType::kFloat32, {2});
  Output limit = ops::Placeholder(s.WithOpName("limit"), DType::kFloat32, {});
  Vars r = ops::WhileLoop(
      s, [&](const Scope& s, const Vars& v) { return ops::Less(s, v[1], limit); },
      [&](const Scope& s, const Vars& v) {
        return Vars{ops::Mul(s, v[0], x0), ops::Add(s, v[1], 1.0f)};
      },
      {x0, ops::Const(s, 0.0f)}, {.name = "loop"});
  ops::Cond(
      s, ops::Less(s, r[1], limit), [&](const Scope& s) { return Vars{ops::Neg(s, r[0])}; },
      [&](const Scope&) { return Vars{x0}; }, "branch");
  EXPECT_TRUE(s.ok()) << s.status();
  return Serialize(*s.graph(), {.indent = -1, .include_locations = false}).json;
}

absl::Status Read(const std::string& json) { return DeserializeGraph(json, {}, kGraphSource).status(); }
absl::Status Read(const Json& j) { return Read(j.dump()); }

Json& NodeJson(Json& j, const std::string& name) {
  for (Json& n : j["nodes"]) {
    if (n["name"] == name) return n;
  }
  ADD_FAILURE() << name;
  return j;
}

TEST(GraphIoMalformedTest, TheSmallGraphsReadBack) {
  EXPECT_TRUE(Read(SmallGraphJson()).ok());
  EXPECT_TRUE(Read(SmallControlFlowJson()).ok());
}

TEST(GraphIoMalformedTest, EveryTruncationIsRejected) {
  for (const std::string& text : {SmallGraphJson(), SmallControlFlowJson()}) {
    for (size_t len = 0; len < text.size(); ++len) {
      absl::Status st = Read(text.substr(0, len));
      ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << len;
      ASSERT_THAT(std::string(st.message()), StartsWith(kGraphSource)) << len;
    }
  }
}

TEST(GraphIoMalformedTest, NotJsonOrNotAGraph) {
  ExpectInvalid(Read(std::string("{\"format\": ")), {"invalid JSON"});
  ExpectInvalid(Read(std::string(100000, '[') + std::string(100000, ']')), {"expected a JSON object"});
  ExpectInvalid(Read(std::string("[]")), {"expected a JSON object at the top, got array"});
  ExpectInvalid(Read(std::string(
                    R"({"format": "estimator.graph", "version": 1, "nodes": [{"name": "a", "name": "b"}]})")),
                {"invalid JSON: the key \"name\" appears twice in one object"});
  ExpectInvalid(Read(std::string("{\"a\": \"\xff\"}")), {"invalid JSON"});
  Json j = Json::parse(SmallGraphJson());
  j["format"] = "onnx";
  ExpectInvalid(Read(j), {"format: not a graph file", "\"onnx\""});
  j.erase("format");
  ExpectInvalid(Read(j), {"format: not a graph file"});
  j = Json::parse(SmallGraphJson());
  j["extra"] = 1;
  ExpectInvalid(Read(j), {"unknown field \"extra\""});
  j = Json::parse(SmallGraphJson());
  j.erase("nodes");
  ExpectInvalid(Read(j), {"nodes: missing"});
  j = Json::parse(SmallGraphJson());
  j["seed"] = "7";
  ExpectInvalid(Read(j), {"seed: expected an integer, got string"});
}

TEST(GraphIoMalformedTest, VersionsNewerThanSupportedAreAFailedPrecondition) {
  Json j = Json::parse(SmallGraphJson());
  j["version"] = kGraphFormatVersion + 1;
  j["a_field_from_the_future"] = true;  // never looked at: the version decides first
  absl::Status st = Read(j);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
  EXPECT_EQ(st.message(),
            absl::StrCat(kGraphSource, ": format version 2 is newer than this library reads (1)"));
  j["version"] = 0;
  ExpectInvalid(Read(j), {"version: 0 is not a format version"});
  j["version"] = "1";
  ExpectInvalid(Read(j), {"version: expected an integer, got string"});
  j["version"] = 1.0;
  ExpectInvalid(Read(j), {"version: expected an integer, got 1.0"});
}

// One edit of a valid document and the fragments the reader's InvalidArgument message must contain.
struct Case {
  std::function<void(Json&)> mutate;
  std::vector<const char*> fragments;
};

// Applies each case to a copy of `base` and checks the reader refuses it, naming the source and fragments.
void ExpectEachCaseInvalid(const Json& base, const std::vector<Case>& cases) {
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(i);
    Json j = base;
    cases[i].mutate(j);
    absl::Status st = Read(j);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    EXPECT_THAT(std::string(st.message()), StartsWith(absl::StrCat(kGraphSource, ": ")));
    for (const char* f : cases[i].fragments) EXPECT_THAT(std::string(st.message()), HasSubstr(f));
  }
}

TEST(GraphIoMalformedTest, NodeLevelErrorsNameTheNode) {
  const Json base = Json::parse(SmallGraphJson());
  const std::vector<Case> cases = {
      {[](Json& j) { NodeJson(j, "matmul")["op"] = "MatMult"; },
       {"node 'matmul' (#2)", "unknown op \"MatMult\""}},
      {[](Json& j) { NodeJson(j, "matmul")["attrs"].erase("transpose_a"); },
       {"node 'matmul' (#2)", "missing required attr 'transpose_a' (bool) of MatMul"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["attrs"]["transpose_a"] = Json{{"type", "int"}, {"value", 1}};
       },
       {"node 'matmul' (#2)", "attr 'transpose_a' must be of type bool, got int"}},
      {[](Json& j) { NodeJson(j, "matmul")["attrs"]["transpose_a"]["value"] = 1; },
       {"node 'matmul' (#2)", "attr 'transpose_a': expected true or false, got number"}},
      {[](Json& j) { NodeJson(j, "matmul")["attrs"]["transpose_a"]["type"] = "boolean"; },
       {"attr 'transpose_a': unknown attribute type \"boolean\""}},
      {[](Json& j) {
         NodeJson(j, "matmul")["attrs"]["alpha"] = Json{{"type", "float"}, {"value", 1.0}};
       },
       {"node 'matmul' (#2)", "attr 'alpha' is not an attribute of MatMul"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["inputs"] = {"relu", "w"};
       },
       {"node 'matmul' (#2)", "input 0 'relu' refers to node #3, which does not come before it"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["inputs"] = {"matmul", "w"};
       },
       {"node 'matmul' (#2)", "input 0 'matmul' refers to node #2"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["inputs"] = {"y", "w"};
       },
       {"node 'matmul' (#2)", "input 0 'y' names no node"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["inputs"] = {"x", "w:1"};
       },
       {"node 'matmul' (#2)", "input 1 'w:1': output index 1 is out of range; node 'w' has 1 output(s)"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["inputs"] = {"x", "w", "w"};
       },
       {"node 'matmul' (#2)", "MatMul takes 2 inputs, got 3"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["inputs"] = {"x", 1};
       },
       {"node 'matmul' (#2)", "input 1 expected a string, got number"}},
      {[](Json& j) { NodeJson(j, "matmul")["control_inputs"] = {"sum"}; },
       {"node 'matmul' (#2)", "control input 0 'sum' refers to node #4"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["outputs"][0]["shape"] = {-1, 5};
       },
       {"node 'matmul' (#2)", "declares output 0 as f32[?,5] but its inputs and attributes give f32[?,2]"}},
      {[](Json& j) { NodeJson(j, "matmul")["outputs"][0]["dtype"] = "bf16"; },
       {"node 'matmul' (#2)", "declares output 0 as bf16[?,2]"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["outputs"].push_back(Json{{"dtype", "f32"}, {"shape", Json::array()}});
       },
       {"node 'matmul' (#2)", "declares 2 output(s) but the op has 1"}},
      {[](Json& j) { NodeJson(j, "matmul").erase("outputs"); }, {"node 'matmul' (#2)", "outputs: missing"}},
      {[](Json& j) { NodeJson(j, "relu")["attrs"]["kind"]["value"] = 99; },
       {"node 'relu' (#3)", "activation kind 99 is not an ActivationKind"}},
      {[](Json& j) { NodeJson(j, "sum")["name"] = "relu"; },
       {"node 'relu' (#4)", "duplicate node name (node #3 has it too)"}},
      {[](Json& j) { NodeJson(j, "sum")["name"] = ""; }, {"node #4", "\"name\" must be a non-empty string"}},
      {[](Json& j) { NodeJson(j, "sum")["colour"] = "red"; },
       {"node 'sum' (#4)", "unknown field \"colour\""}},
      {[](Json& j) { NodeJson(j, "sum")["loc"] = 42; }, {"node 'sum' (#4)", "\"loc\" must be a string"}},
      {[](Json& j) { NodeJson(j, "sum")["subgraphs"] = Json::array(); },
       {"node 'sum' (#4)", "only While and Cond nodes have subgraphs"}},
      {[](Json& j) { NodeJson(j, "x")["op"] = "Arg"; },
       {"node 'x' (#0)", "Arg nodes exist only in the subgraphs"}},
      {[](Json& j) { j["nodes"][1] = "w"; }, {"node #1", "expected an object, got string"}},
      {[](Json& j) { j["nodes"] = Json::object(); }, {"nodes: expected an array, got object"}},
      // Shapes: negative, huge, too many elements, not integers.
      {[](Json& j) {
         NodeJson(j, "x")["attrs"]["shape"]["value"] = {-2, 3};
       },
       {"node 'x' (#0)", "attr 'shape': shape dim 0 is -2"}},
      {[](Json& j) {
         NodeJson(j, "x")["attrs"]["shape"]["value"] = {int64_t{1} << 50, 3};
       },
       {"node 'x' (#0)", "shape dim 0 is 1125899906842624"}},
      {[](Json& j) {
         NodeJson(j, "x")["attrs"]["shape"]["value"] = {uint64_t{18446744073709551615u}, 3};
       },
       {"node 'x' (#0)", "does not fit in a 64-bit signed integer"}},
      {[](Json& j) {
         NodeJson(j, "x")["attrs"]["shape"]["value"] = {int64_t{1} << 30, int64_t{1} << 30};
       },
       {"node 'x' (#0)", "elements"}},
      {[](Json& j) {
         NodeJson(j, "x")["attrs"]["shape"]["value"] = {1.5, 3};
       },
       {"node 'x' (#0)", "shape dim 0: expected an integer, got 1.5"}},
      {[](Json& j) {
         NodeJson(j, "x")["outputs"][0]["shape"] = {-7, 3};
       },
       {"node 'x' (#0)", "outputs 0: shape dim 0 is -7"}},
      {[](Json& j) { NodeJson(j, "x")["attrs"]["dtype"]["value"] = "float32"; },
       {"node 'x' (#0)", "unknown dtype \"float32\""}},
      // Inline tensors.
      {[](Json& j) { NodeJson(j, "w")["attrs"]["value"]["value"]["values"].push_back(7); },
       {"node 'w' (#1)", "7 values for f32[3,2] (6 elements)"}},
      {[](Json& j) { NodeJson(j, "w")["attrs"]["value"]["value"]["values"][2] = "three"; },
       {"node 'w' (#1)", "tensor value 2: \"three\" is not a f32 value"}},
      {[](Json& j) { NodeJson(j, "w")["attrs"]["value"]["value"]["values"][2] = 1e39; },
       {"node 'w' (#1)", "outside the f32 range"}},
      {[](Json& j) {
         NodeJson(j, "w")["attrs"]["value"]["value"]["shape"] = {-1, 6};
       },
       {"node 'w' (#1)", "shape dim 0 is -1; expected 0 to"}},
      {[](Json& j) { NodeJson(j, "w")["attrs"]["value"]["value"]["ref"] = "w"; },
       {"node 'w' (#1)", "exactly one of \"values\" (inline) and \"ref\" (external)"}},
      {[](Json& j) {
         NodeJson(j, "w")["attrs"]["value"]["value"] = {
             {"dtype", "i32"}, {"shape", {2}}, {"values", {1, 1e10}}};
       },
       {"node 'w' (#1)", "tensor value 1: expected an integer, got 10000000000.0"}},
      {[](Json& j) {
         NodeJson(j, "w")["attrs"]["value"]["value"] = {
             {"dtype", "i32"}, {"shape", {2}}, {"values", {1, int64_t{1} << 40}}};
       },
       {"node 'w' (#1)", "1099511627776 is outside the i32 range"}},
      {[](Json& j) {
         NodeJson(j, "w")["attrs"]["value"]["value"] = {{"dtype", "bool"}, {"shape", {1}}, {"values", {1}}};
       },
       {"node 'w' (#1)", "tensor value 0: expected true or false, got number"}},
      {[](Json& j) {
         NodeJson(j, "w")["attrs"]["value"]["value"] = {
             {"dtype", "f32"}, {"shape", {1}}, {"values", {"nan:0x7f800000"}}};
       },
       {"node 'w' (#1)", "\"nan:0x7f800000\" is not a f32 value"}},
  };
  ExpectEachCaseInvalid(base, cases);
}

TEST(GraphIoMalformedTest, ControlFlowStructureIsChecked) {
  const Json base = Json::parse(
      Serialize(*BuildControlFlowGraph()->s.graph(), {.indent = -1, .include_locations = false}).json);
  ASSERT_TRUE(Read(base).ok());
  auto loop = [](Json& j) -> Json& { return NodeJson(j, "loop"); };
  const std::vector<Case> cases = {
      {[&](Json& j) { loop(j)["attrs"]["num_loop_vars"]["value"] = 5; },
       {"node 'loop'", "num_loop_vars 5 and num_cond_captures 1 do not fit its 4 inputs"}},
      {[&](Json& j) { loop(j)["attrs"]["num_cond_captures"]["value"] = 0; },
       {"node 'loop'", "the cond subgraph captures 1 values but the node passes 0"}},
      {[&](Json& j) { loop(j)["subgraphs"].erase(1); },
       {"node 'loop'", "\"subgraphs\" must list 2 subgraphs"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["results"].erase(1); },
       {"node 'loop'", "the body subgraph has 1 results for 2 loop variables"}},
      {[&](Json& j) { loop(j)["subgraphs"][0]["results"] = {"arg_1"}; },
       {"node 'loop'", "the cond subgraph must have one result, a bool scalar"}},
      {[&](Json& j) {
         loop(j)["subgraphs"][1]["results"] = {"arg_1", "arg_1"};
       },
       {"node 'loop'", "loop variable 0 is f32[2] but the body returns f32[]"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["results"] = {"nope"}; },
       {"node 'loop'", "subgraph 1", "result 0 'nope' names no node"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["captures"] = {"x0"}; },
       {"node 'loop' (#", "subgraph 1, node 'capture/w' (#2)", "'x0' does not give this name"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["captures"] = {"limit"}; },
       {"subgraph 1, node 'capture/w' (#2)", "declares f32[2] but captures 'limit' of type f32[]"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["args"][0] = "arg_9"; },
       {"subgraph 1, node 'arg_0' (#0)", "is Arg node 0 of the subgraph but \"args\" lists 'arg_9'"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["args"].push_back("arg_2"); },
       {"subgraph 1", "\"args\" lists 4 names but the subgraph has 3 Arg nodes"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["nodes"][1]["attrs"]["index"]["value"] = 0; },
       {"subgraph 1, node 'arg_1' (#1)", "attr 'index' is 0 but the Arg is argument 1"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["nodes"][1]["outputs"][0]["shape"] = {3}; },
       {"subgraph 1, node 'loop/body/add'",
        "declares output 0 as f32[] but its inputs and attributes give f32[3]"}},
      {[&](Json& j) { loop(j)["inputs"][1] = "x0"; },
       {"node 'loop'", "the cond subgraph's arg 1 is f32[] but the node passes f32[2]"}},
      {[&](Json& j) {
         loop(j)["subgraphs"][1]["args"][2] = "captured_w";
         loop(j)["subgraphs"][1]["nodes"][2]["name"] = "captured_w";
       },
       {"subgraph 1", "a captured argument must be named \"capture/<captured node>\""}},
      {[&](Json& j) {
         loop(j)["subgraphs"][1]["nodes"].push_back(
             {{"name", "outer_x"}, {"op", "Identity"}, {"inputs", {"x0"}}, {"outputs", Json::array()}});
       },
       {"subgraph 1, node 'outer_x'", "input 0 'x0' names no node of this graph"}},
      {[&](Json& j) {
         Json var = {{"name", "v"},
                     {"op", "Variable"},
                     {"attrs",
                      {{"dtype", {{"type", "dtype"}, {"value", "f32"}}},
                       {"shape", {{"type", "shape"}, {"value", {2}}}}}},
                     {"outputs", {{{"dtype", "f32"}, {"shape", {2}}}}}};
         loop(j)["subgraphs"][1]["nodes"].push_back(var);
       },
       {"subgraph 1, node 'v'", "variables cannot be created inside a control-flow body"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["inputs"] = Json::array(); }, {"unknown field \"inputs\""}},
      {[&](Json& j) { NodeJson(j, "branch")["subgraphs"][1]["results"].erase(0); },
       {"node 'branch'", "the then subgraph has 2 results but the else subgraph 1"}},
      {[&](Json& j) { NodeJson(j, "branch")["attrs"]["num_then_captures"]["value"] = 9; },
       {"node 'branch'", "num_then_captures 9 does not fit"}},
      {[&](Json& j) { NodeJson(j, "branch")["inputs"][0] = "limit"; },
       {"node 'branch'", "the predicate must be a bool scalar, got f32[]"}},
  };
  ExpectEachCaseInvalid(base, cases);
}

TEST(GraphIoMalformedTest, ControlFlowNestedTooDeepIsRefused) {
  Scope s = Scope::NewRootScope();
  std::function<Output(const Scope&, Output, int)> nest = [&](const Scope& s, Output v, int depth) -> Output {
    if (depth == 0) return ops::Add(s, v, 1);
    return ops::WhileLoop(
        s, [](const Scope& s, const Vars& u) { return ops::Less(s, u[0], 1); },
        [&](const Scope& s, const Vars& u) { return Vars{nest(s, u[0], depth - 1)}; }, {v})[0];
  };
  nest(s, ops::Const(s, 0), 33);
  ASSERT_TRUE(s.ok()) << s.status();
  absl::Status st = Read(Serialize(*s.graph()).json);
  ExpectInvalid(st, {"control flow is nested more than 32 deep"});
}

// Replaces every value of the document, one at a time, with values of every other JSON type: the reader
// must answer each with a Status (never crash), and an error must name the source.
TEST(GraphIoMalformedTest, WrongJsonTypesAnywhereNeverCrash) {
  const std::vector<Json> replacements = {Json(nullptr), Json(7),         Json(-1),      Json(2.5),
                                          Json("s"),     Json(true),      Json::array(), Json::object(),
                                          Json{1, 2},    Json{{"k", "v"}}};
  for (const std::string& text : {SmallGraphJson(), SmallControlFlowJson()}) {
    const Json base = Json::parse(text);
    const Json flat = base.flatten();
    int rejected = 0, total = 0;
    // Every path to a leaf, and every path to the containers above it.
    std::set<std::string> pointers;
    for (const auto& item : flat.items()) {
      std::string p = item.key();
      while (!p.empty()) {
        pointers.insert(p);
        p = p.substr(0, p.rfind('/'));
      }
    }
    for (const std::string& p : pointers) {
      for (const Json& r : replacements) {
        Json j = base;
        j[Json::json_pointer(p)] = r;
        if (j == base) continue;
        absl::Status st = Read(j);
        ++total;
        if (st.ok()) continue;
        ++rejected;
        ASSERT_TRUE(st.code() == absl::StatusCode::kInvalidArgument ||
                    st.code() == absl::StatusCode::kFailedPrecondition)
            << p << " = " << r.dump() << ": " << st;
        ASSERT_THAT(std::string(st.message()), StartsWith(kGraphSource)) << p;
      }
    }
    // Most changes are caught; the rest are harmless (e.g. another seed, loop bound or constant value).
    EXPECT_GT(rejected, total / 2) << rejected << " of " << total;
  }
}

}  // namespace
}  // namespace graph
