#include "graph/session.h"

#include "gmock/gmock.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/matmul_ops.h"
#include "graph/ops/state_ops.h"
#include "gtest/gtest.h"
#include "tests/graph/alloc_counter.h"

namespace graph {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Msg(const absl::Status& st) { return std::string(st.message()); }

using testing_util::CountAllocations;

TEST(SessionTest, FeedsFetchesAndUnknownBatch) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 2});
  auto y = ops::Mul(s, ops::Add(s, x, 1.0f), 2.0f);
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({{x, Tensor::Of<float>({1, 2, 3, 4}, {2, 2})}}, {y}, &out).ok());
  EXPECT_EQ(out[0].shape(), (Shape{2, 2}));
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(4, 6, 8, 10));
  ASSERT_TRUE(sess.Run({{x, Tensor::Of<float>({0, 0, 0, 0, 1, 1}, {3, 2})}}, {y}, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(2, 2, 2, 2, 4, 4));
}

TEST(SessionTest, PlansAreCachedPerSignatureAndFeedShape) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim});
  auto y = ops::Square(s, x);
  auto z = ops::Neg(s, x);
  Session sess(*s.graph());
  std::vector<Tensor> out;
  Tensor a = Tensor::Of<float>({1, 2}, {2});
  ASSERT_TRUE(sess.Run({{x, a}}, {y}, &out).ok());
  ASSERT_TRUE(sess.Run({{x, a}}, {y}, &out).ok());
  EXPECT_EQ(sess.num_cached_plans(), 1);
  ASSERT_TRUE(sess.Run({{x, Tensor::Of<float>({1, 2, 3}, {3})}}, {y}, &out).ok());
  EXPECT_EQ(sess.num_cached_plans(), 2);  // a new concrete feed shape
  ASSERT_TRUE(sess.Run({{x, a}}, {z}, &out).ok());
  EXPECT_EQ(sess.num_cached_plans(), 3);  // a new fetch
  ASSERT_TRUE(sess.Run({{x, a}}, {y, z}, &out).ok());
  EXPECT_EQ(sess.num_cached_plans(), 4);
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(1, 4));
  EXPECT_THAT(out[1].ToVector<float>(), ElementsAre(-1, -2));
  ASSERT_TRUE(sess.Run({{x, a}}, {y}, &out).ok());
  EXPECT_EQ(sess.num_cached_plans(), 4);
}

TEST(SessionTest, RepeatedRunAllocatesNothing) {
  // Plain-C++ kernels, a variable read and an in-place update, a broadcast and an unknown batch fed at run
  // time.
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 4});
  auto w = ops::Variable(s, "w", DType::kFloat32, {4});
  auto init = ops::Assign(s, w, ops::Const(s, Tensor::Of<float>({1, 2, 3, 4}, {4})));
  auto h = ops::Maximum(s, ops::Mul(s, x, w), 0.0f);
  auto y = ops::Sub(s, ops::Mul(s, h, h), ops::Exp(s, h));
  auto update = ops::AssignAdd(s, w, ops::Const(s, Tensor::Of<float>({1, 1, 1, 1}, {4})));
  ASSERT_TRUE(s.ok()) << s.status();
  Session sess(*s.graph());
  ASSERT_TRUE(sess.RunTargets({init.node}).ok());
  std::vector<Feed> feeds = {{x, Tensor(DType::kFloat32, {16, 4})}};
  std::vector<Output> fetches = {y};
  std::vector<Node*> targets = {update.node};
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run(feeds, fetches, targets, &out).ok());  // compiles
  bool ok = true;
  int64_t n = CountAllocations([&] {
    for (int i = 0; i < 10; ++i) ok &= sess.Run(feeds, fetches, targets, &out).ok();
  });
  EXPECT_TRUE(ok);
  EXPECT_EQ(n, 0) << "heap allocations in 10 cached runs";
  EXPECT_EQ(out[0].shape(), (Shape{16, 4}));
  EXPECT_THAT(sess.ReadVariable("w")->ToVector<float>(), ElementsAre(12, 13, 14, 15));
}

TEST(SessionTest, MatMulRunAllocatesOnlyWhatOneDnnExecuteDoes) {
  // oneDNN's primitive::execute converts its argument map internally and allocates a few small blocks per
  // call; the executor must add nothing on top of one direct execute of the same primitive.
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {16, 8});
  auto y = ops::MatMul(s, x, ops::Const(s, Tensor(DType::kFloat32, {8, 4})));
  Session sess(*s.graph());
  std::vector<Feed> feeds = {{x, Tensor(DType::kFloat32, {16, 8})}};
  std::vector<Output> fetches = {y};
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run(feeds, fetches, &out).ok());
  const int64_t graph_allocs = CountAllocations([&] { (void)sess.Run(feeds, fetches, &out); });

  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(eng);
  using tag = dnnl::memory::format_tag;
  dnnl::memory::desc a({16, 8}, dnnl::memory::data_type::f32, tag::ab);
  dnnl::memory::desc b({8, 4}, dnnl::memory::data_type::f32, tag::ab);
  dnnl::memory::desc c({16, 4}, dnnl::memory::data_type::f32, tag::ab);
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), attr, eng);
  dnnl::matmul prim(pd);
  Tensor ta(DType::kFloat32, {16, 8}), tb(DType::kFloat32, {8, 4}), tc(DType::kFloat32, {16, 4});
  Tensor scratch(DType::kFloat32, {static_cast<int64_t>(pd.scratchpad_desc().get_size() / 4 + 1)});
  std::unordered_map<int, dnnl::memory> args = {{DNNL_ARG_SRC, dnnl::memory(a, eng, ta.raw_data())},
                                                {DNNL_ARG_WEIGHTS, dnnl::memory(b, eng, tb.raw_data())},
                                                {DNNL_ARG_DST, dnnl::memory(c, eng, tc.raw_data())}};
  if (pd.scratchpad_desc().get_size() > 0) {
    args[DNNL_ARG_SCRATCHPAD] = dnnl::memory(pd.scratchpad_desc(), eng, scratch.raw_data());
  }
  prim.execute(stream, args);
  const int64_t direct_allocs = CountAllocations([&] { prim.execute(stream, args); });
  EXPECT_EQ(graph_allocs, direct_allocs);
}

TEST(SessionTest, MissingFeedNamesThePlaceholder) {
  Scope s = Scope::NewRootScope();
  const int line = __LINE__ + 1;
  auto x = ops::Placeholder(s.WithOpName("images"), DType::kFloat32, {Shape::kUnknownDim, 3});
  auto y = ops::Neg(s, x);
  Session sess(*s.graph());
  std::vector<Tensor> out;
  absl::Status st = sess.Run({y}, &out);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(st),
              HasSubstr("Placeholder 'images' (session_test.cc:" + std::to_string(line) + ") must be fed"));
  EXPECT_THAT(Msg(st), HasSubstr("[?,3]"));
}

TEST(SessionTest, WrongFeedDTypeOrShapeIsRejected) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 3});
  auto y = ops::Neg(s, x);
  Session sess(*s.graph());
  std::vector<Tensor> out;
  absl::Status st = sess.Run({{x, Tensor::Of<int32_t>({1, 2, 3}, {1, 3})}}, {y}, &out);
  EXPECT_THAT(Msg(st), HasSubstr("has dtype i32 but the graph expects f32"));
  EXPECT_THAT(Msg(st), HasSubstr("Placeholder 'placeholder'"));
  st = sess.Run({{x, Tensor::Of<float>({1, 2, 3, 4}, {1, 4})}}, {y}, &out);
  EXPECT_THAT(Msg(st), HasSubstr("has shape [1,4] but the graph expects [?,3]"));
  st = sess.Run({{x, Tensor()}}, {y}, &out);
  EXPECT_THAT(Msg(st), HasSubstr("is an empty Tensor"));
  st = sess.Run({{x, Tensor::Of<float>({1, 2, 3}, {1, 3})}, {x, Tensor::Of<float>({1, 2, 3}, {1, 3})}}, {y},
                &out);
  EXPECT_THAT(Msg(st), HasSubstr("is fed twice"));
}

TEST(SessionTest, FetchFromAnotherGraphIsRejected) {
  Scope s = Scope::NewRootScope();
  Scope other = Scope::NewRootScope();
  ops::Const(s, 1.0f);
  auto foreign = ops::Const(other.WithOpName("foreign"), 2.0f);
  Session sess(*s.graph());
  std::vector<Tensor> out;
  absl::Status st = sess.Run({foreign}, &out);
  EXPECT_THAT(Msg(st), HasSubstr("fetch 'foreign'"));
  EXPECT_THAT(Msg(st), HasSubstr("is not an output of this session's graph"));
  st = sess.Run({Output()}, &out);
  EXPECT_THAT(Msg(st), HasSubstr("invalid Output"));
  st = sess.RunTargets({foreign.node});
  EXPECT_THAT(Msg(st), HasSubstr("target Const 'foreign'"));
}

TEST(SessionTest, UninitializedVariableIsAnErrorNamingIt) {
  Scope s = Scope::NewRootScope();
  auto dense = s.NewSubScope("dense");
  const int line = __LINE__ + 1;
  auto w = ops::Variable(dense, "kernel", DType::kFloat32, {2});
  auto y = ops::Add(s, w, 1.0f);
  Session sess(*s.graph());
  std::vector<Tensor> out;
  absl::Status st = sess.Run({y}, &out);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Msg(st), HasSubstr("Variable 'dense/kernel' (session_test.cc:" + std::to_string(line) + ")"));
  EXPECT_THAT(Msg(st), HasSubstr("before it was initialized"));
  st = sess.Run({w}, &out);
  EXPECT_THAT(Msg(st), HasSubstr("before it was initialized"));
  EXPECT_FALSE(sess.ReadVariable("dense/kernel").ok());
}

TEST(SessionTest, VariablesAssignInProgramOrderAndPersistAcrossRuns) {
  Scope s = Scope::NewRootScope();
  auto v = ops::Variable(s, "counter", DType::kInt64, {});
  auto init = ops::Assign(s, v, int64_t{10});
  auto before = ops::Identity(s, v);
  auto inc = ops::AssignAdd(s.WithControlDependencies({before}), v, int64_t{5});
  auto after = ops::Identity(s.WithControlDependencies({inc}), v);
  auto dec = ops::AssignSub(s, v, int64_t{1});
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({init}, &out).ok());
  EXPECT_EQ(out[0].data<int64_t>()[0], 10);
  ASSERT_TRUE(sess.Run({before, after}, &out).ok());
  EXPECT_EQ(out[0].data<int64_t>()[0], 10);
  EXPECT_EQ(out[1].data<int64_t>()[0], 15);
  ASSERT_TRUE(sess.Run({dec}, &out).ok());
  EXPECT_EQ(out[0].data<int64_t>()[0], 14);
  auto read = sess.ReadVariable("counter");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->data<int64_t>()[0], 14);
  ASSERT_TRUE(sess.WriteVariable("counter", Tensor::Scalar(int64_t{100})).ok());
  ASSERT_TRUE(sess.Run({before}, &out).ok());
  EXPECT_EQ(out[0].data<int64_t>()[0], 100);
  EXPECT_THAT(Msg(sess.WriteVariable("counter", Tensor::Scalar(1.0f))), HasSubstr("cannot write f32[]"));
  EXPECT_EQ(sess.WriteVariable("nope", Tensor::Scalar(1.0f)).code(), absl::StatusCode::kNotFound);
  ASSERT_EQ(sess.Variables().size(), 1u);
  EXPECT_EQ(sess.Variables()[0]->node->name(), "counter");
}

TEST(SessionTest, AssignShapeAndDTypeErrorsAtBuildTime) {
  Scope s = Scope::NewRootScope();
  auto v = ops::Variable(s, "v", DType::kFloat32, {2, 2});
  ops::Assign(s, v, ops::Const(s, Tensor::Of<float>({1, 2}, {2})));
  EXPECT_THAT(Msg(s.status()),
              HasSubstr("Assign 'assign': value shape [2] differs from the variable's [2,2]"));
  Scope s2 = Scope::NewRootScope();
  ops::Variable(s2, "v", DType::kFloat32, {Shape::kUnknownDim});
  EXPECT_THAT(Msg(s2.status()), HasSubstr("a variable needs a fully defined shape, got [?]"));
}

TEST(SessionTest, FeedingAnIntermediateOutputPrunesItsProducers) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {2});
  auto h = ops::Mul(s, x, 3.0f);
  auto y = ops::Add(s, h, 1.0f);
  Session sess(*s.graph());
  std::vector<Tensor> out;
  // x is not fed: h is, so x's placeholder is never needed.
  ASSERT_TRUE(sess.Run({{h, Tensor::Of<float>({10, 20}, {2})}}, {y}, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(11, 21));
}

TEST(SessionTest, NamesAreScopedAndUnique) {
  Scope s = Scope::NewRootScope();
  auto d1 = s.NewSubScope("dense");
  auto d2 = s.NewSubScope("dense");
  auto a = ops::Variable(d1, "kernel", DType::kFloat32, {1});
  auto b = ops::Variable(d2, "kernel", DType::kFloat32, {1});
  auto c = ops::Add(d2, b, 1.0f);
  auto e = ops::Add(d2, b, 1.0f);
  EXPECT_EQ(a.node->name(), "dense/kernel");
  EXPECT_EQ(b.node->name(), "dense_1/kernel");
  EXPECT_EQ(c.node->name(), "dense_1/add");
  EXPECT_EQ(e.node->name(), "dense_1/add_1");
  EXPECT_EQ(s.graph()->FindNode("dense_1/kernel"), b.node);
}

}  // namespace
}  // namespace graph

namespace graph {
namespace {

TEST(SessionTraceTest, RecordsEveryKernelInOrderWithDurations) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {64, 64});
  auto y = ops::MatMul(s.WithOpName("mm"), x, x);
  auto z = ops::Exp(s.WithOpName("e"), y);
  Session sess(*s.graph());
  std::vector<Tensor> out;
  std::vector<Feed> feeds = {{x, Tensor(DType::kFloat32, {64, 64})}};
  RunTrace trace;
  ASSERT_TRUE(sess.Run(feeds, {z}, {}, &out, &trace).ok());
  ASSERT_EQ(trace.steps.size(), 2u);
  EXPECT_EQ(trace.steps[0].node->name(), "mm");
  EXPECT_EQ(trace.steps[1].node->name(), "e");
  EXPECT_GE(trace.steps[1].start_ns, trace.steps[0].start_ns + trace.steps[0].duration_ns);
  for (const StepTiming& t : trace.steps) EXPECT_GE(t.duration_ns, 0);
  // Untraced runs of the same plan record nothing.
  ASSERT_TRUE(sess.Run(feeds, {z}, {}, &out).ok());
  EXPECT_EQ(trace.steps.size(), 2u);
}

}  // namespace
}  // namespace graph
