// Conv2D forward, backward data and backward filter, and 2x2 max pooling forward and backward, through a
// Session on the layer shapes of a small MNIST CNN at batch 128. Every operand is a session variable, the op
// is run as a target, so a run is the executor plus the oneDNN primitive.
//   build/bench/conv_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <random>
#include <vector>

#include "benchmark/benchmark.h"
#include "graph/autodiff.h"
#include "graph/ops/conv_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"

namespace graph {
namespace {

struct ConvShape {
  Shape x, filter, y;
};
// Arg 0: [128,28,28,1] * [5,5,1,32]; arg 1: [128,14,14,32] * [5,5,32,64]; both SAME, stride 1.
const ConvShape kConvShapes[] = {
    {{128, 28, 28, 1}, {5, 5, 1, 32}, {128, 28, 28, 32}},
    {{128, 14, 14, 32}, {5, 5, 32, 64}, {128, 14, 14, 64}},
};

Tensor Random(const Shape& shape) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Tensor t(DType::kFloat32, shape);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

// A variable of `shape` and the node that initialises it with random values.
Output InitializedVariable(const Scope& s, const std::string& name, const Shape& shape,
                           std::vector<Output>* inits) {
  Output v = ops::Variable(s, name, DType::kFloat32, shape);
  inits->push_back(ops::Assign(s, v, ops::Const(s, Random(shape))));
  return v;
}

// Runs `target` once to compile, then times it.
void RunTarget(benchmark::State& state, const Scope& s, const std::vector<Output>& inits, Output target,
               double flops) {
  if (!s.ok()) {
    state.SkipWithError("graph construction failed");
    return;
  }
  Session sess(*s.graph());
  if (!sess.RunTargets({ops::Group(s, inits)}).ok()) state.SkipWithError("init failed");
  std::vector<Node*> targets = {target.node};
  if (!sess.RunTargets(targets).ok()) state.SkipWithError("run failed");
  for (auto _ : state) benchmark::DoNotOptimize(sess.RunTargets(targets));
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}

enum class Pass { kForward, kBackpropInput, kBackpropFilter };

template <Pass kPass>
void BM_Conv2D(benchmark::State& state) {
  const ConvShape& c = kConvShapes[state.range(0)];
  Scope s = Scope::NewRootScope();
  std::vector<Output> inits;
  Output x = InitializedVariable(s, "x", c.x, &inits);
  Output f = InitializedVariable(s, "f", c.filter, &inits);
  const ops::Conv2DOptions o = {.padding = ops::Padding::kSame};
  Output target;
  if (kPass == Pass::kForward) {
    target = ops::Conv2D(s, x, f, o);
  } else {
    Output dy = InitializedVariable(s, "dy", c.y, &inits);
    target = kPass == Pass::kBackpropInput ? ops::Conv2DBackpropInput(s, x, f, dy, o)
                                           : ops::Conv2DBackpropFilter(s, x, f, dy, o);
  }
  const double flops = 2.0 * static_cast<double>(c.y.num_elements()) * static_cast<double>(c.filter.dim(0)) *
                       static_cast<double>(c.filter.dim(1)) * static_cast<double>(c.filter.dim(2));
  RunTarget(state, s, inits, target, flops);
}
BENCHMARK(BM_Conv2D<Pass::kForward>)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Conv2D<Pass::kBackpropInput>)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Conv2D<Pass::kBackpropFilter>)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond);

// 2x2 / stride 2 max pooling of the first conv's output [128,28,28,32]: forward (with workspace), and forward
// plus backward (the gradient through the workspace).
template <bool kBackward>
void BM_MaxPool2D(benchmark::State& state) {
  Scope s = Scope::NewRootScope();
  std::vector<Output> inits;
  Output x = InitializedVariable(s, "x", kConvShapes[0].y, &inits);
  Output y = ops::MaxPool2D(s, x);
  Output target = kBackward ? Gradients(s, {y}, {x})[0] : y;
  RunTarget(state, s, inits, target, 0);
}
BENCHMARK(BM_MaxPool2D<false>)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MaxPool2D<true>)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace graph

BENCHMARK_MAIN();
