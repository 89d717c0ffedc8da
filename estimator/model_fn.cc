#include "estimator/model_fn.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "layers/adam.h"

namespace estimator {

const char* ModeName(Mode mode) {
  switch (mode) {
    case Mode::kTrain:
      return "train";
    case Mode::kEval:
      return "eval";
    case Mode::kPredict:
      return "predict";
  }
  return "?";
}

void Params::Mismatch(const std::string& key, const char* wanted) const {
  if (status_->ok())
    *status_ = absl::InvalidArgumentError(absl::StrCat("model param '", key, "' is not ", wanted));
}

int64_t Params::GetInt(const std::string& key, int64_t dflt) const {
  auto it = values_.find(key);
  if (it == values_.end()) return dflt;
  if (const auto* v = std::get_if<int64_t>(&it->second)) return *v;
  Mismatch(key, "an integer");
  return dflt;
}

double Params::GetFloat(const std::string& key, double dflt) const {
  auto it = values_.find(key);
  if (it == values_.end()) return dflt;
  if (const auto* v = std::get_if<double>(&it->second)) return *v;
  if (const auto* v = std::get_if<int64_t>(&it->second)) return static_cast<double>(*v);
  Mismatch(key, "a number");
  return dflt;
}

bool Params::GetBool(const std::string& key, bool dflt) const {
  auto it = values_.find(key);
  if (it == values_.end()) return dflt;
  if (const auto* v = std::get_if<bool>(&it->second)) return *v;
  Mismatch(key, "a boolean");
  return dflt;
}

std::string Params::GetString(const std::string& key, const std::string& dflt) const {
  auto it = values_.find(key);
  if (it == values_.end()) return dflt;
  if (const auto* v = std::get_if<std::string>(&it->second)) return *v;
  Mismatch(key, "a string");
  return dflt;
}

std::vector<int64_t> Params::GetIntList(const std::string& key, std::vector<int64_t> dflt) const {
  auto it = values_.find(key);
  if (it == values_.end()) return dflt;
  if (const auto* v = std::get_if<std::vector<int64_t>>(&it->second)) return *v;
  if (const auto* v = std::get_if<int64_t>(&it->second)) return {*v};
  Mismatch(key, "a list of integers");
  return dflt;
}

std::vector<double> Params::GetFloatList(const std::string& key, std::vector<double> dflt) const {
  auto it = values_.find(key);
  if (it == values_.end()) return dflt;
  if (const auto* v = std::get_if<std::vector<double>>(&it->second)) return *v;
  if (const auto* v = std::get_if<std::vector<int64_t>>(&it->second)) return {v->begin(), v->end()};
  Mismatch(key, "a list of numbers");
  return dflt;
}

Node* Params::Minimize(const Scope& s, Output loss) const {
  if (minimize_) return minimize_(s, loss);
  layers::Adam adam({.learning_rate = static_cast<float>(GetFloat("learning_rate", 1e-3))});
  return adam.Minimize(s, loss);
}

Output Features::Get(const std::string& name, Loc loc) const {
  auto it = tensors_.find(name);
  if (it != tensors_.end()) return it->second;
  std::vector<std::string> names;
  for (const auto& [n, o] : tensors_) names.push_back(n);
  scope_.RecordError(
      loc, graph::OpKind::kPlaceholder, name,
      absl::StrCat("no input named '", name, "' (available: ", absl::StrJoin(names, ", "), ")"));
  return {};
}

Output Labels::label(Loc loc) const {
  if (tensors().size() == 1) return tensors().begin()->second;
  std::vector<std::string> names;
  for (const auto& [n, o] : tensors()) names.push_back(n);
  scope().RecordError(loc, graph::OpKind::kPlaceholder, "label",
                      tensors().empty()
                          ? std::string("there are no labels in this mode")
                          : absl::StrCat("there are several labels (", absl::StrJoin(names, ", "),
                                         "); pick one with labels[\"name\"]"));
  return {};
}

absl::Status ValidateSpec(const EstimatorSpec& spec, Mode mode) {
  const std::string where = absl::StrCat("EstimatorSpec for ", ModeName(mode), ": ");
  auto scalar_loss = [&]() -> absl::Status {
    if (!spec.loss.valid()) return absl::InvalidArgumentError(where + "loss is required");
    if (spec.loss.dtype() != graph::DType::kFloat32 || spec.loss.shape().rank() != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "loss must be an f32 scalar, got ", graph::DTypeName(spec.loss.dtype()),
                       spec.loss.shape().ToString(), " (", spec.loss.node->Describe(), ")"));
    }
    return absl::OkStatus();
  };
  switch (mode) {
    case Mode::kTrain:
      if (spec.train_op == nullptr) return absl::InvalidArgumentError(where + "train_op is required");
      return scalar_loss();
    case Mode::kEval:
      if (absl::Status st = scalar_loss(); !st.ok()) return st;
      for (const EvalMetric& m : spec.eval_metrics) {
        if (!m.metric || !m.predictions.valid()) {
          return absl::InvalidArgumentError(
              absl::StrCat(where, "eval metric '", m.name, "' needs a metric and a predictions tensor"));
        }
      }
      return absl::OkStatus();
    case Mode::kPredict:
      if (spec.predictions.empty()) return absl::InvalidArgumentError(where + "predictions are required");
      for (const auto& [name, o] : spec.predictions) {
        if (!o.valid())
          return absl::InvalidArgumentError(absl::StrCat(where, "prediction '", name, "' is not a value"));
      }
      for (const auto& [name, o] : spec.export_outputs) {
        if (!o.valid()) {
          return absl::InvalidArgumentError(absl::StrCat(where, "export output '", name, "' is not a value"));
        }
      }
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace estimator
