#include "models/fashion_mnist.h"

#include "graph/ops/conv_ops.h"
#include "layers/conv.h"
#include "layers/core.h"
#include "layers/dense.h"
#include "layers/pooling.h"
#include "models/model_heads.h"

namespace models {

namespace ops = graph::ops;
using estimator::EstimatorSpec;
using estimator::Output;

EstimatorSpec FashionMnistMlp(const estimator::Features& features, const estimator::Labels& labels,
                              estimator::Mode mode, const estimator::Params& params) {
  const graph::Scope& s = features.scope();
  const float dropout = static_cast<float>(params.GetFloat("dropout", 0.0));
  const bool training = mode == estimator::Mode::kTrain;
  Output x = layers::Flatten(s, features["image"]);
  for (int64_t units : params.GetIntList("hidden_units", {256, 256})) {
    x = layers::Dense(s, x, {.units = units, .activation = "relu"});
    if (dropout > 0) x = layers::Dropout(s, x, training, {.rate = dropout});
  }
  Output logits = layers::Dense(s, x, {.units = 10});
  return ClassifierHead(features, labels, mode, params, logits, 10);
}

EstimatorSpec FashionMnistCnn(const estimator::Features& features, const estimator::Labels& labels,
                              estimator::Mode mode, const estimator::Params& params) {
  const graph::Scope& s = features.scope();
  Output x = features["image"];
  x = layers::Conv2D(
      s, x, {.filters = 32, .kernel_size = {5, 5}, .padding = ops::Padding::kSame, .activation = "relu"});
  x = layers::MaxPool2D(s, x);
  x = layers::Conv2D(
      s, x, {.filters = 64, .kernel_size = {5, 5}, .padding = ops::Padding::kSame, .activation = "relu"});
  x = layers::MaxPool2D(s, x);
  x = layers::Dense(s, layers::Flatten(s, x), {.units = 1024, .activation = "relu"});
  Output logits = layers::Dense(s, x, {.units = 10});
  return ClassifierHead(features, labels, mode, params, logits, 10);
}

}  // namespace models
