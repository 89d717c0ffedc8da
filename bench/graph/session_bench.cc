// Session::Run overhead, and oneDNN matmul through a Session versus the same primitive called directly.
//   build/bench/session_bench --benchmark_repetitions=10 --benchmark_report_aggregates_only=true
#include <unordered_map>
#include <vector>

#include "benchmark/benchmark.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/matmul_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"

namespace graph {
namespace {

// A fed scalar through a chain of `nodes` scalar ops (alternating add and mul), one fetch. The per-node
// executor cost is the slope between chain lengths; the 0-node run is the fixed cost of Run (feed copy, plan
// lookup, fetch copy).
void BM_SessionRunScalarChain(benchmark::State& state) {
  const int nodes = static_cast<int>(state.range(0));
  Scope s = Scope::NewRootScope();
  Output x = ops::Placeholder(s, DType::kFloat32, {});
  Output y = x;
  for (int i = 0; i < nodes; ++i) y = (i % 2 == 0) ? ops::Add(s, y, 1.0f) : ops::Mul(s, y, 0.5f);
  Session sess(*s.graph());
  std::vector<Feed> feeds = {{x, Tensor::Scalar(1.0f)}};
  std::vector<Output> fetches = {y};
  std::vector<Tensor> out;
  if (!sess.Run(feeds, fetches, &out).ok()) state.SkipWithError("run failed");
  for (auto _ : state) benchmark::DoNotOptimize(sess.Run(feeds, fetches, &out));
}
BENCHMARK(BM_SessionRunScalarChain)->Arg(0)->Arg(10)->Arg(100);

constexpr int64_t kM = 128, kK = 784, kN = 256;

// x·w with both operands in session variables (nothing fed), run as a target: the executor plus the
// primitive.
void BM_MatMulSession(benchmark::State& state) {
  Scope s = Scope::NewRootScope();
  Output x = ops::Variable(s, "x", DType::kFloat32, {kM, kK});
  Output w = ops::Variable(s, "w", DType::kFloat32, {kK, kN});
  Node* init = ops::Group(s, {ops::Assign(s, x, ops::Const(s, Tensor(DType::kFloat32, {kM, kK}))),
                              ops::Assign(s, w, ops::Const(s, Tensor(DType::kFloat32, {kK, kN})))});
  Output y = ops::MatMul(s, x, w);
  Session sess(*s.graph());
  if (!sess.RunTargets({init}).ok()) state.SkipWithError("init failed");
  std::vector<Node*> targets = {y.node};
  if (!sess.RunTargets(targets).ok()) state.SkipWithError("run failed");
  for (auto _ : state) benchmark::DoNotOptimize(sess.RunTargets(targets));
  state.SetItemsProcessed(state.iterations() * 2 * kM * kK * kN);
}
BENCHMARK(BM_MatMulSession)->UseRealTime();

// The same with x fed from a host tensor each run (adds the 400 KB feed copy).
void BM_MatMulSessionFed(benchmark::State& state) {
  Scope s = Scope::NewRootScope();
  Output x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, kK});
  Output w = ops::Variable(s, "w", DType::kFloat32, {kK, kN});
  Output init = ops::Assign(s, w, ops::Const(s, Tensor(DType::kFloat32, {kK, kN})));
  Output y = ops::MatMul(s, x, w);
  Session sess(*s.graph());
  if (!sess.RunTargets({init.node}).ok()) state.SkipWithError("init failed");
  std::vector<Feed> feeds = {{x, Tensor(DType::kFloat32, {kM, kK})}};
  std::vector<Node*> targets = {y.node};
  if (!sess.Run(feeds, {}, targets, nullptr).ok()) state.SkipWithError("run failed");
  for (auto _ : state) benchmark::DoNotOptimize(sess.Run(feeds, {}, targets, nullptr));
  state.SetItemsProcessed(state.iterations() * 2 * kM * kK * kN);
}
BENCHMARK(BM_MatMulSessionFed)->UseRealTime();

void BM_MatMulRawOneDnn(benchmark::State& state) {
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(eng);
  using tag = dnnl::memory::format_tag;
  dnnl::memory::desc a({kM, kK}, dnnl::memory::data_type::f32, tag::ab);
  dnnl::memory::desc b({kK, kN}, dnnl::memory::data_type::f32, tag::ab);
  dnnl::memory::desc c({kM, kN}, dnnl::memory::data_type::f32, tag::ab);
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), attr, eng);
  dnnl::matmul prim(pd);
  Tensor ta(DType::kFloat32, {kM, kK}), tb(DType::kFloat32, {kK, kN}), tc(DType::kFloat32, {kM, kN});
  Buffer scratch(pd.scratchpad_desc().get_size());
  std::unordered_map<int, dnnl::memory> args = {{DNNL_ARG_SRC, dnnl::memory(a, eng, ta.raw_data())},
                                                {DNNL_ARG_WEIGHTS, dnnl::memory(b, eng, tb.raw_data())},
                                                {DNNL_ARG_DST, dnnl::memory(c, eng, tc.raw_data())}};
  if (scratch.size() > 0) args[DNNL_ARG_SCRATCHPAD] = dnnl::memory(pd.scratchpad_desc(), eng, scratch.data());
  for (auto _ : state) prim.execute(stream, args);
  state.SetItemsProcessed(state.iterations() * 2 * kM * kK * kN);
}
BENCHMARK(BM_MatMulRawOneDnn)->UseRealTime();

}  // namespace
}  // namespace graph

BENCHMARK_MAIN();
