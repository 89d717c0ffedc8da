// Exporters: what TrainAndEvaluate does with each evaluation besides recording it — write a serving export
// of the evaluated checkpoint (TensorFlow's LatestExporter / BestExporter).
#ifndef ESTIMATOR_EXPORTERS_H_
#define ESTIMATOR_EXPORTERS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "estimator/early_stopping.h"
#include "estimator/estimator.h"

namespace estimator {

class Exporter {
 public:
  virtual ~Exporter() = default;
  // Exports go to <export_dir_base>/<global_step>/, by default <model_dir>/export/<name>/ (see ExporterDir).
  virtual const std::string& name() const = 0;
  // Called after each evaluation with its result (result.checkpoint is the evaluated checkpoint file);
  // `is_final` for the last evaluation of the run. Returns the export's directory, or nullopt when this
  // evaluation is not exported.
  virtual absl::StatusOr<std::optional<std::string>> Export(Estimator& estimator, const EvalResult& result,
                                                            bool is_final) = 0;
};

// Exports every evaluated checkpoint, keeping the `options.keep` newest.
class LatestExporter : public Exporter {
 public:
  // `export_dir_base` empty: <model_dir>/export/<name>.
  LatestExporter(std::string name, ServingInput serving_input, ExportOptions options = {},
                 std::string export_dir_base = "");
  const std::string& name() const override { return name_; }
  absl::StatusOr<std::optional<std::string>> Export(Estimator& estimator, const EvalResult& result,
                                                    bool is_final) override;

 private:
  std::string name_;
  ServingInput serving_input_;
  ExportOptions options_;
  std::string base_;
};

// Exports an evaluated checkpoint when its `metric` is strictly better than every earlier export's (as
// recorded in their metadata.json, so the best value survives restarts); non-finite values never export.
// Keeps the `options.keep` newest exports, which are the best ones so far.
class BestExporter : public Exporter {
 public:
  // `export_dir_base` empty: <model_dir>/export/<name>.
  BestExporter(std::string name, ServingInput serving_input, std::string metric,
               MetricGoal goal = MetricGoal::kMinimize, ExportOptions options = {},
               std::string export_dir_base = "");
  const std::string& name() const override { return name_; }
  absl::StatusOr<std::optional<std::string>> Export(Estimator& estimator, const EvalResult& result,
                                                    bool is_final) override;
  // The best value so far (after the first Export call read earlier exports).
  std::optional<double> best_value() const { return best_; }

 private:
  absl::Status LoadBest(const std::string& base);

  std::string name_;
  ServingInput serving_input_;
  std::string metric_;
  MetricGoal goal_;
  ExportOptions options_;
  std::string base_;
  bool loaded_ = false;
  std::optional<double> best_;
};

// `export_dir_base` when set, else <model_dir>/export/<name>.
std::string ExporterDir(const Estimator& estimator, const std::string& name,
                        const std::string& export_dir_base = "");

}  // namespace estimator

#endif  // ESTIMATOR_EXPORTERS_H_
