// Trains and evaluates a Fashion-MNIST classifier with the Estimator, reading the Debian dataset package's IDX
// files:  train_fashion_mnist [--model mlp|cnn] [--epochs N] [--batch N] [--model_dir DIR] [--seed N]
// The models are those of ../shared/peers/torch_fmnist.py (Glorot init, Adam 1e-3).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "datasets/datasets.h"
#include "estimator/estimator.h"
#include "graph/ops/nn_ops.h"
#include "graph/ops/reduction_ops.h"
#include "layers/adam.h"
#include "layers/conv.h"
#include "layers/core.h"
#include "layers/dense.h"
#include "layers/losses.h"
#include "layers/pooling.h"
#include "metrics/registry.h"

namespace {

namespace est = estimator;
namespace ops = graph::ops;
using graph::Output;

constexpr char kDir[] = "/usr/share/datasets/fashion-mnist/";

absl::Status Scale(const datasets::Element& in, datasets::Element* out) {
  const graph::Tensor& image = in["image"];
  graph::Tensor* scaled = out->ReuseAt(0, "image", graph::DType::kFloat32, image.shape());
  const float* src = image.data<float>();
  float* dst = scaled->data<float>();
  for (int64_t i = 0; i < image.num_elements(); ++i) dst[i] = src[i] * (1.0f / 255.0f);
  out->SetAt(1, "label", in["label"]);
  out->Truncate(2);
  return absl::OkStatus();
}

est::EstimatorSpec Model(const est::Features& features, const est::Labels& labels, est::Mode mode,
                         const est::Params& params) {
  const graph::Scope& s = features.scope();
  Output x = features["image"];
  if (params.GetString("model", "mlp") == "cnn") {
    using layers::Conv2D;
    x = Conv2D(s, x, {.filters = 32, .kernel_size = {5, 5}, .padding = ops::Padding::kSame, .activation = "relu"});
    x = layers::MaxPool2D(s, x);
    x = Conv2D(s, x, {.filters = 64, .kernel_size = {5, 5}, .padding = ops::Padding::kSame, .activation = "relu"});
    x = layers::MaxPool2D(s, x);
    x = layers::Dense(s, layers::Flatten(s, x), {.units = 1024, .activation = "relu"});
  } else {
    x = layers::Flatten(s, x);
    for (int64_t units : params.GetIntList("hidden_units", {256, 256})) {
      x = layers::Dense(s, x, {.units = units, .activation = "relu"});
    }
  }
  Output logits = layers::Dense(s, x, {.units = 10});
  est::EstimatorSpec spec;
  Output probabilities = ops::Softmax(s, logits);
  spec.predictions["probabilities"] = probabilities;
  spec.predictions["class"] = ops::ArgMax(s, logits, 1);
  if (mode == est::Mode::kPredict) return spec;
  spec.loss = layers::SparseSoftmaxCrossEntropy(s, labels.label(), logits);
  if (mode == est::Mode::kTrain) {
    layers::Adam adam({.learning_rate = static_cast<float>(params.GetFloat("learning_rate", 1e-3))});
    spec.train_op = adam.Minimize(s, spec.loss);
  }
  auto accuracy = metrics::CreateMetricFromParams("accuracy", {});
  if (accuracy.ok()) spec.eval_metrics.push_back({"accuracy", std::move(*accuracy), probabilities, labels.label()});
  return spec;
}

int Usage() {
  std::fprintf(stderr, "usage: train_fashion_mnist [--model mlp|cnn] [--epochs N] [--batch N] [--model_dir DIR] "
                       "[--seed N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string model = "mlp", model_dir;
  int64_t epochs = 5, batch = 128, seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return Usage();
    const char* v = argv[++i];
    if (a == "--model") {
      model = v;
    } else if (a == "--epochs") {
      epochs = std::atoll(v);
    } else if (a == "--batch") {
      batch = std::atoll(v);
    } else if (a == "--model_dir") {
      model_dir = v;
    } else if (a == "--seed") {
      seed = std::atoll(v);
    } else {
      return Usage();
    }
  }
  if ((model != "mlp" && model != "cnn") || epochs <= 0 || batch <= 0) return Usage();
  if (model_dir.empty()) model_dir = "/tmp/estimator/fashion_mnist_" + model;

  est::RunConfig config;
  config.model_dir = model_dir;
  config.random_seed = seed;
  config.save_checkpoints_secs = 60;
  config.log_step_count_steps = 200;
  est::Params params;
  params.Set("model", model);
  est::Estimator estimator(Model, config, params);

  auto train_input = [&] {
    return datasets::Idx(std::string(kDir) + "train-images-idx3-ubyte.gz",
                         std::string(kDir) + "train-labels-idx1-ubyte.gz")
        .Map(Scale)
        .Cache()
        .Shuffle(60000, static_cast<uint64_t>(seed))
        .Batch(batch)
        .Repeat(epochs)
        .Prefetch(2);
  };
  auto test_input = [&] {
    return datasets::Idx(std::string(kDir) + "t10k-images-idx3-ubyte.gz",
                         std::string(kDir) + "t10k-labels-idx1-ubyte.gz")
        .Map(Scale)
        .Batch(1000);
  };
  const auto start = std::chrono::steady_clock::now();
  if (absl::Status st = estimator.Train(train_input, {}); !st.ok()) {
    std::fprintf(stderr, "training failed: %s\n", st.ToString().c_str());
    return 1;
  }
  const double train_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto result = estimator.Evaluate(test_input);
  if (!result.ok()) {
    std::fprintf(stderr, "evaluation failed: %s\n", result.status().ToString().c_str());
    return 1;
  }
  std::printf("%s: %lld steps in %.1f s; test loss %.4f, test accuracy %.4f (%lld examples); model_dir %s\n",
              model.c_str(), static_cast<long long>(result->global_step), train_secs, result->loss,
              result->metrics.at("accuracy"), static_cast<long long>(result->num_examples), model_dir.c_str());
  return 0;
}
