#include "layers/optimizer_factory.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "layers/adagrad.h"
#include "layers/adam.h"
#include "layers/rmsprop.h"
#include "layers/sgd.h"

namespace layers {
namespace {

// Fields set in `o` that are not in `allowed` (names as in GenericOptimizerOptions).
std::vector<std::string> UnexpectedFields(const GenericOptimizerOptions& o,
                                          const std::vector<std::string>& allowed) {
  const std::vector<std::pair<const char*, bool>> set = {
      {"momentum", o.momentum.has_value()},
      {"nesterov", o.nesterov.has_value()},
      {"beta_1", o.beta_1.has_value()},
      {"beta_2", o.beta_2.has_value()},
      {"epsilon", o.epsilon.has_value()},
      {"amsgrad", o.amsgrad.has_value()},
      {"weight_decay", o.weight_decay.has_value()},
      {"exclude_from_weight_decay", !o.exclude_from_weight_decay.empty()},
      {"initial_accumulator_value", o.initial_accumulator_value.has_value()},
      {"rho", o.rho.has_value()},
      {"centered", o.centered.has_value()},
  };
  std::vector<std::string> bad;
  for (const auto& [field, is_set] : set) {
    if (is_set && std::find(allowed.begin(), allowed.end(), field) == allowed.end()) bad.push_back(field);
  }
  return bad;
}

template <typename T>
void Override(T& field, const std::optional<T>& value) {
  if (value.has_value()) field = *value;
}

AdamOptions MakeAdamOptions(const GenericOptimizerOptions& o) {
  AdamOptions a;
  Override(a.learning_rate, o.learning_rate);
  Override(a.beta_1, o.beta_1);
  Override(a.beta_2, o.beta_2);
  Override(a.epsilon, o.epsilon);
  Override(a.amsgrad, o.amsgrad);
  return a;
}

absl::StatusOr<std::unique_ptr<Optimizer>> Make(const std::string& name, const GenericOptimizerOptions& o) {
  if (name == "sgd") {
    SGDOptions opt;
    Override(opt.learning_rate, o.learning_rate);
    return std::make_unique<SGD>(opt);
  }
  if (name == "momentum") {
    MomentumOptions opt;
    Override(opt.learning_rate, o.learning_rate);
    Override(opt.momentum, o.momentum);
    Override(opt.nesterov, o.nesterov);
    return std::make_unique<Momentum>(opt);
  }
  if (name == "adam") return std::make_unique<Adam>(MakeAdamOptions(o));
  if (name == "adamw") {
    AdamWOptions opt;
    opt.adam = MakeAdamOptions(o);
    Override(opt.weight_decay, o.weight_decay);
    opt.exclude_from_weight_decay = o.exclude_from_weight_decay;
    return std::make_unique<AdamW>(opt);
  }
  if (name == "adagrad") {
    AdagradOptions opt;
    Override(opt.learning_rate, o.learning_rate);
    Override(opt.initial_accumulator_value, o.initial_accumulator_value);
    Override(opt.epsilon, o.epsilon);
    return std::make_unique<Adagrad>(opt);
  }
  RMSPropOptions opt;
  Override(opt.learning_rate, o.learning_rate);
  Override(opt.rho, o.rho);
  Override(opt.momentum, o.momentum);
  Override(opt.epsilon, o.epsilon);
  Override(opt.centered, o.centered);
  return std::make_unique<RMSProp>(opt);
}

}  // namespace

const std::vector<std::string>& OptimizerNames() {
  static const auto* names =
      new std::vector<std::string>{"sgd", "momentum", "adam", "adamw", "adagrad", "rmsprop"};
  return *names;
}

absl::StatusOr<std::unique_ptr<Optimizer>> CreateOptimizer(const std::string& name,
                                                           const GenericOptimizerOptions& options) {
  static const auto* allowed = new std::vector<std::pair<std::string, std::vector<std::string>>>{
      {"sgd", {}},
      {"momentum", {"momentum", "nesterov"}},
      {"adam", {"beta_1", "beta_2", "epsilon", "amsgrad"}},
      {"adamw", {"beta_1", "beta_2", "epsilon", "amsgrad", "weight_decay", "exclude_from_weight_decay"}},
      {"adagrad", {"initial_accumulator_value", "epsilon"}},
      {"rmsprop", {"rho", "momentum", "epsilon", "centered"}},
  };
  auto it = std::find_if(allowed->begin(), allowed->end(), [&](const auto& e) { return e.first == name; });
  if (it == allowed->end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown optimizer '", name, "'; known optimizers: ", absl::StrJoin(OptimizerNames(), ", ")));
  }
  if (std::vector<std::string> bad = UnexpectedFields(options, it->second); !bad.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "optimizer '", name, "' has no option ", absl::StrJoin(bad, ", "), "; its options: learning_rate",
        it->second.empty() ? "" : ", ", absl::StrJoin(it->second, ", ")));
  }
  absl::StatusOr<std::unique_ptr<Optimizer>> opt = Make(name, options);
  if (!opt.ok()) return opt.status();
  if (absl::Status st = (*opt)->Validate(); !st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("optimizer '", name, "': ", st.message()));
  }
  return opt;
}

}  // namespace layers
