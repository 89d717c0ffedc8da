// What a user's model function receives and returns: features, labels, mode, params → EstimatorSpec.
#ifndef ESTIMATOR_MODEL_FN_H_
#define ESTIMATOR_MODEL_FN_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "graph/scope.h"
#include "metrics/metric.h"

namespace estimator {

using graph::Loc;
using graph::Node;
using graph::Output;
using graph::Scope;

enum class Mode { kTrain, kEval, kPredict };
// "train", "eval", "predict".
const char* ModeName(Mode mode);

// Free-form model parameters (from the config's model.params). Getters with a default return it when the key
// is absent; a present key of the wrong type is recorded as an error that the Estimator reports after
// model_fn.
class Params {
 public:
  using Value = std::variant<bool, int64_t, double, std::string, std::vector<int64_t>, std::vector<double>,
                             std::vector<std::string>>;
  Params() = default;
  explicit Params(std::map<std::string, Value> values) : values_(std::move(values)) {}

  void Set(const std::string& key, Value value) { values_[key] = std::move(value); }
  bool Has(const std::string& key) const { return values_.count(key) > 0; }
  int64_t GetInt(const std::string& key, int64_t dflt = 0) const;
  double GetFloat(const std::string& key, double dflt = 0) const;  // ints are accepted
  bool GetBool(const std::string& key, bool dflt = false) const;
  std::string GetString(const std::string& key, const std::string& dflt = "") const;
  std::vector<int64_t> GetIntList(const std::string& key, std::vector<int64_t> dflt = {}) const;
  std::vector<double> GetFloatList(const std::string& key, std::vector<double> dflt = {}) const;
  // The first type mismatch met by a getter (OK if none).
  absl::Status status() const { return *status_; }

  // The training op for `loss` as the run configures it (the YAML `train.optimizer` block: optimizer,
  // learning rate schedule, clipping), so a registered model_fn needs no optimizer code: `spec.train_op =
  // params.Minimize(s, spec.loss);`. Without a configured factory: Adam(learning_rate =
  // GetFloat("learning_rate", 1e-3)). Errors are recorded in the scope.
  using MinimizeFn = std::function<Node*(const Scope& s, Output loss)>;
  Node* Minimize(const Scope& s, Output loss) const;
  void SetMinimize(MinimizeFn fn) { minimize_ = std::move(fn); }
  const std::map<std::string, Value>& values() const { return values_; }

 private:
  void Mismatch(const std::string& key, const char* wanted) const;
  std::map<std::string, Value> values_;
  std::shared_ptr<absl::Status> status_ = std::make_shared<absl::Status>();
  MinimizeFn minimize_;
};

// Named input tensors (placeholders fed from the dataset's batches) and the scope the model builds in.
class Features {
 public:
  Features(Scope scope, std::map<std::string, Output> tensors)
      : scope_(std::move(scope)), tensors_(std::move(tensors)) {}
  const Scope& scope() const { return scope_; }
  // The tensor `name`; a missing name is recorded in the scope as an error listing the available names.
  Output operator[](const std::string& name) const { return Get(name); }
  Output Get(const std::string& name, Loc loc = Loc::current()) const;
  bool Has(const std::string& name) const { return tensors_.count(name) > 0; }
  const std::map<std::string, Output>& tensors() const { return tensors_; }

 private:
  Scope scope_;
  std::map<std::string, Output> tensors_;
};

// Labels are named tensors too; most models have one, returned by label().
class Labels : public Features {
 public:
  using Features::Features;
  // The only label tensor (error if there are none or several; use operator[] then). Invalid in PREDICT mode.
  Output label(Loc loc = Loc::current()) const;
};

// A metric computed during evaluation from graph values fetched each batch.
struct EvalMetric {
  std::string name;                         // key in the results, metrics.json and summaries
  std::shared_ptr<metrics::Metric> metric;  // fresh state; the Estimator resets it per evaluation
  Output predictions;
  Output labels;
  Output weights = {};  // optional
};

class Hook;

struct EstimatorSpec {
  Mode mode = Mode::kTrain;
  std::map<std::string, Output> predictions;  // PREDICT (and available in EVAL): per-example outputs
  // PREDICT: the serving signature's outputs (empty: the predictions); its inputs are the feature
  // placeholders.
  std::map<std::string, Output> export_outputs;
  Output loss = {};                      // TRAIN, EVAL: f32 scalar
  Node* train_op = nullptr;              // TRAIN
  std::vector<EvalMetric> eval_metrics;  // EVAL
  // TRAIN: scalars written to TensorBoard with the loss every save_summary_steps (e.g. "learning_rate").
  std::map<std::string, Output> scalar_summaries;
  std::vector<std::shared_ptr<Hook>> training_hooks;
  std::vector<std::shared_ptr<Hook>> evaluation_hooks;
  std::vector<std::shared_ptr<Hook>> prediction_hooks;
};

using ModelFn = std::function<EstimatorSpec(const Features&, const Labels&, Mode, const Params&)>;

// Checks a spec for `mode` (TRAIN needs a train_op and a scalar f32 loss; EVAL a scalar f32 loss; PREDICT
// some predictions). Errors name the field.
absl::Status ValidateSpec(const EstimatorSpec& spec, Mode mode);

}  // namespace estimator

#endif  // ESTIMATOR_MODEL_FN_H_
