// The text form of graphs: exact encodings of tensor and float attribute values (NaN payloads, infinities,
// negative zero, integer extremes), external tensor references, and a writer that refuses what the reader
// would refuse.
#include "graph/graph_io.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "graph/ops/array_ops.h"
#include "graph/ops/state_ops.h"
#include "gtest/gtest.h"
#include "tests/graph/graph_io_test_util.h"

namespace graph {
namespace {

using graph_io_testing::kGraphSource;
using graph_io_testing::RoundTrip;
using graph_io_testing::RunBoth;
using graph_io_testing::Serialize;
using graph_io_testing::TensorMap;
using ::testing::HasSubstr;
using ::testing::StartsWith;

uint32_t Bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float FromBits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// Writes a graph of one Const per tensor and reads it back; returns the JSON and the rebuilt values.
std::pair<std::string, std::vector<Tensor>> ConstRoundTrip(const std::vector<Tensor>& values,
                                                           int64_t max_inline = 1000) {
  Scope s = Scope::NewRootScope();
  for (size_t i = 0; i < values.size(); ++i) ops::Const(s.WithOpName(absl::StrCat("c", i)), values[i]);
  EXPECT_TRUE(s.ok());
  SerializedGraph text = Serialize(*s.graph(), {.max_inline_elements = max_inline});
  auto g = DeserializeGraph(text.json, TensorMap(text), kGraphSource);
  EXPECT_TRUE(g.ok()) << g.status();
  std::vector<Tensor> out;
  if (!g.ok()) return {text.json, out};
  for (size_t i = 0; i < values.size(); ++i) {
    out.push_back((*g)->FindNode(absl::StrCat("c", i))->attrs().GetTensor("value"));
  }
  return {text.json, out};
}

TEST(GraphIoTest, F32ValuesRoundTripBitwiseIncludingNanInfAndNegativeZero) {
  const std::vector<uint32_t> bits = {0x7fc00000u, 0xffc00000u, 0x7fc00123u, 0x7f800001u,
                                      0x7f800000u, 0xff800000u, 0x80000000u, 0x00000000u,
                                      0x00000001u, 0x7f7fffffu, Bits(0.1f),  Bits(-1.0f / 3.0f)};
  Tensor t(DType::kFloat32, {static_cast<int64_t>(bits.size())});
  for (size_t i = 0; i < bits.size(); ++i) t.data<float>()[i] = FromBits(bits[i]);
  auto [json, out] = ConstRoundTrip({t});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(TensorsEqual(out[0], t)) << out[0].DebugString();
  EXPECT_THAT(json, HasSubstr("\"nan\""));
  EXPECT_THAT(json, HasSubstr("\"-nan\""));
  EXPECT_THAT(json, HasSubstr("\"nan:0x7fc00123\""));
  EXPECT_THAT(json, HasSubstr("\"nan:0x7f800001\""));
  EXPECT_THAT(json, HasSubstr("\"inf\""));
  EXPECT_THAT(json, HasSubstr("\"-inf\""));
  EXPECT_THAT(json, HasSubstr("-0.0"));
  EXPECT_THAT(json, HasSubstr("0.1,"));  // the shortest form, not 0.10000000149011612
}

TEST(GraphIoTest, Bf16I64I32AndBoolValuesRoundTripExactly) {
  Tensor bf(DType::kBFloat16, {6});
  const uint16_t bf_bits[] = {0x7fc0, 0x7fc1, 0xff80, 0x8000, 0x3fc0 /*1.5*/, 0x7f7f /*max*/};
  for (int i = 0; i < 6; ++i) bf.data<bfloat16>()[i].bits = bf_bits[i];
  const Tensor i64 = Tensor::Of<int64_t>(
      {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), -1, 0}, {2, 2});
  const Tensor i32 = Tensor::Of<int32_t>({std::numeric_limits<int32_t>::min(), 7}, {2});
  const Tensor b = Tensor::Of<bool>({true, false, true}, {3, 1});
  const Tensor scalar = Tensor::Scalar(-0.0f);
  auto [json, out] = ConstRoundTrip({bf, i64, i32, b, scalar});
  ASSERT_EQ(out.size(), 5u);
  EXPECT_TRUE(TensorsEqual(out[0], bf)) << out[0].DebugString();
  EXPECT_TRUE(TensorsEqual(out[1], i64));
  EXPECT_TRUE(TensorsEqual(out[2], i32));
  EXPECT_TRUE(TensorsEqual(out[3], b));
  EXPECT_TRUE(TensorsEqual(out[4], scalar));
  EXPECT_THAT(json, HasSubstr("\"nan:0x7fc1\""));
  EXPECT_THAT(json, HasSubstr("-9223372036854775808"));
  EXPECT_THAT(json, HasSubstr("9223372036854775807"));
}

TEST(GraphIoTest, FloatAttributesKeepEveryBit) {
  Scope s = Scope::NewRootScope();
  Output idx = ops::Placeholder(s, DType::kInt32, {2});
  const float nan = FromBits(0x7fc00042u);
  Output h = ops::OneHot(s.WithOpName("h"), idx, 3, nan, -0.0f);
  ASSERT_TRUE(s.ok());
  std::unique_ptr<Graph> rebuilt = RoundTrip(*s.graph());
  ASSERT_NE(rebuilt, nullptr);
  const AttrMap& a = rebuilt->FindNode("h")->attrs();
  EXPECT_EQ(std::bit_cast<uint64_t>(a.GetFloat("on_value")),
            std::bit_cast<uint64_t>(static_cast<double>(nan)));
  EXPECT_TRUE(std::signbit(a.GetFloat("off_value")));
  EXPECT_EQ(a.GetFloat("off_value"), 0.0);
  std::vector<Tensor> out = RunBoth(*s.graph(), *rebuilt, {h}, {{idx, Tensor::Of<int32_t>({2, 0}, {2})}});
  EXPECT_EQ(Bits(out[0].data<float>()[2]), 0x7fc00042u);
  EXPECT_EQ(Bits(out[0].data<float>()[0]), 0x80000000u);
}

TEST(GraphIoTest, LargeTensorsGoToExternalReferencesSharedNotCopied) {
  Scope s = Scope::NewRootScope();
  ops::Const(s.WithOpName("small"), Tensor::Of<float>({1, 2, 3, 4}, {2, 2}));
  ops::Const(s.WithOpName("big"), Tensor::Of<float>({1, 2, 3, 4, 5}, {5}));
  ASSERT_TRUE(s.ok());
  SerializedGraph text = Serialize(*s.graph(), {.max_inline_elements = 4});
  ASSERT_EQ(text.tensors.size(), 1u);
  EXPECT_EQ(text.tensors[0].first, "big");
  EXPECT_THAT(text.json, HasSubstr("\"ref\": \"big\""));
  EXPECT_THAT(text.json, HasSubstr("\"values\""));
  auto g = DeserializeGraph(text.json, TensorMap(text), kGraphSource);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_TRUE((*g)->FindNode("big")->attrs().GetTensor("value").SharesBufferWith(text.tensors[0].second));
  EXPECT_EQ((*g)->FindNode("small")->attrs().GetTensor("value").ToVector<float>(),
            (std::vector<float>{1, 2, 3, 4}));

  // Missing, wrongly shaped and wrongly typed references.
  auto missing = DeserializeGraph(text.json, {}, kGraphSource);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(missing.status().message()), StartsWith(kGraphSource));
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("node 'big' (#1)"));
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("external tensor 'big' (f32[5]) is missing"));
  auto reshaped =
      DeserializeGraph(text.json, {{"big", Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {2, 3})}}, kGraphSource);
  EXPECT_THAT(std::string(reshaped.status().message()),
              HasSubstr("external tensor 'big' is f32[2,3] but the graph declares f32[5]"));
  auto retyped =
      DeserializeGraph(text.json, {{"big", Tensor::Of<int32_t>({1, 2, 3, 4, 5}, {5})}}, kGraphSource);
  EXPECT_THAT(std::string(retyped.status().message()), HasSubstr("is i32[5] but the graph declares f32[5]"));
}

TEST(GraphIoTest, WriterRefusesNodesTheReaderWouldRefuse) {
  Scope s = Scope::NewRootScope();
  ops::Const(s.WithOpName("bad\xff"), 1.0f);
  ASSERT_TRUE(s.ok());
  auto text = SerializeGraph(*s.graph());
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(text.status().message()), HasSubstr("UTF-8"));

  // An attribute the table does not know, as a builder out of step with graph/op_attrs.cc would set it.
  Graph g;
  NodeDef def;
  def.kind = OpKind::kNoOp;
  def.name = "group";
  def.attrs.Set("colour", std::string("red"));
  g.AddNode(std::move(def));
  text = SerializeGraph(g);
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(text.status().message()),
              HasSubstr("SerializeGraph: NoOp 'group' (:0): attr 'colour' is not an attribute of NoOp"));
}

}  // namespace
}  // namespace graph
