// Fashion-MNIST classifiers (28x28x1 images in feature "image", 10 classes), registered as
// "fashion_mnist_mlp" and "fashion_mnist_cnn" by RegisterBuiltinModels.
#ifndef MODELS_FASHION_MNIST_H_
#define MODELS_FASHION_MNIST_H_

#include "estimator/model_fn.h"

namespace models {

// Flatten → Dense(relu) per `hidden_units` (int list, default [256, 256]), each followed by dropout at rate
// `dropout` (float in [0, 1), default 0: none) in training → Dense(10). Classification head (model_heads.h).
estimator::EstimatorSpec FashionMnistMlp(const estimator::Features& features, const estimator::Labels& labels,
                                         estimator::Mode mode, const estimator::Params& params);

// Two 5x5 convolutions (32 and 64 filters, same padding, relu) each followed by 2x2 max pooling, then
// Dense(1024, relu) and Dense(10). Classification head (model_heads.h).
estimator::EstimatorSpec FashionMnistCnn(const estimator::Features& features, const estimator::Labels& labels,
                                         estimator::Mode mode, const estimator::Params& params);

}  // namespace models

#endif  // MODELS_FASHION_MNIST_H_
