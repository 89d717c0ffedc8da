// Graphs the ONNX export tests share: the built-in MLP and CNN rebuilt with graph::ops and seeded random
// weights, convolution/pooling variants, a graph covering every converted op family, and a graph with
// unknown height and width.
#ifndef TESTS_ONNX_ONNX_TEST_MODELS_H_
#define TESTS_ONNX_ONNX_TEST_MODELS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "graph/scope.h"
#include "graph/session.h"
#include "graph/tensor.h"
#include "onnx/onnx_export.h"

namespace onnx_test {

// How to make a random feed for one input: its concrete shape at batch 7 and, for integer inputs, the value
// range [lo, hi) (f32 inputs are uniform in [lo, hi) too).
struct InputSpec {
  graph::Shape shape;
  double lo = -1.0;
  double hi = 1.0;
};

struct TestModel {
  graph::Scope scope = graph::Scope::NewRootScope(1);
  std::vector<onnx_export::NamedOutput> inputs;
  std::vector<InputSpec> specs;  // one per input
  std::vector<onnx_export::NamedOutput> outputs;

  const graph::Graph& graph() const { return *scope.graph(); }
  graph::Output Input(const std::string& name, graph::DType dtype, graph::Shape shape, InputSpec spec);
  void AddOutput(const std::string& name, graph::Output value) { outputs.push_back({name, value}); }
};

inline constexpr int64_t kBatch = 7;

// Uniform values in [-scale, scale) from a seeded std::mt19937.
graph::Tensor RandomTensor(const graph::Shape& shape, uint32_t seed, float scale);
graph::Output RandomConst(const graph::Scope& s, const graph::Shape& shape, uint32_t seed, float scale);
// MatMul + BiasAdd (+ relu) with Glorot-scaled random weights.
graph::Output Dense(const graph::Scope& s, graph::Output x, int64_t units, bool relu, uint32_t seed);

// image [?,28,28] -> Flatten -> Dense 256 relu -> Dense 256 relu -> Dense 10 -> probabilities (Softmax),
// class (ArgMax i64); outputs also logits.
TestModel BuildMlp();
// image [?,28,28,1] -> Conv2D 5x5 32 SAME + bias + relu -> MaxPool2D -> Conv2D 5x5 64 SAME + bias + relu ->
// MaxPool2D -> Flatten -> Dense 1024 relu -> Dense 10 -> logits, probabilities, class.
TestModel BuildCnn();
// image [?,12,10,4] through VALID/stride-2, SAME/stride-2 (odd padding), dilated, grouped and computed-filter
// convolutions, SAME and VALID average and max pooling, inference BatchNorm (and its statistics outputs).
TestModel BuildConvVariants();
// x [?,6] f32, idx [?] i32 in [0,6), hot [?] i32 in [-2,8): every elementwise, comparison, logic, cast,
// shape, indexing, reduction, matmul and nn op family the exporter converts.
TestModel BuildEveryOp();
// image [?,?,?,3] (fed as [7,11,9,3]): SAME convolution (3x3, strides 2x1) and pooling (3x3 max, 2x2
// average, strides 2) with unknown height and width.
TestModel BuildDynamicSpatial();

// Random feeds for `model`'s inputs, seeded.
std::vector<graph::Feed> RandomFeeds(const TestModel& model, uint32_t seed);

}  // namespace onnx_test

#endif  // TESTS_ONNX_ONNX_TEST_MODELS_H_
