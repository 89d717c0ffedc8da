#include "models/builtin_models.h"

#include <mutex>

#include "estimator/model_registry.h"
#include "models/canned.h"
#include "models/fashion_mnist.h"

namespace models {

absl::Status RegisterBuiltinModels() {
  static std::once_flag once;
  static absl::Status* result = new absl::Status();
  std::call_once(once, [] {
    struct Builtin {
      const char* name;
      estimator::ModelFn fn;
    };
    const Builtin builtins[] = {
        {"fashion_mnist_mlp", FashionMnistMlp}, {"fashion_mnist_cnn", FashionMnistCnn},
        {"dnn_classifier", DnnClassifier},      {"linear_classifier", LinearClassifier},
        {"linear_regressor", LinearRegressor},
    };
    for (const Builtin& b : builtins) {
      absl::Status st = estimator::RegisterModel(b.name, b.fn, __FILE__, __LINE__);
      if (!st.ok() && result->ok()) *result = st;
    }
  });
  return *result;
}

}  // namespace models
