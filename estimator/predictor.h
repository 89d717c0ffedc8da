// Predictor: runs an export (estimator/export.h) without the model's code. The graph is loaded and checked
// once; each distinct batch size is compiled once and reused.
#ifndef ESTIMATOR_PREDICTOR_H_
#define ESTIMATOR_PREDICTOR_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "estimator/export.h"
#include "graph/session.h"

namespace estimator {

struct PredictorOptions {
  // Threads each oneDNN primitive may use (0: the OpenMP default).
  int intra_op_threads = 0;
};

// Thread-safe: Run and Predict may be called from several threads, but calls on one Predictor are
// serialised. For parallel serving give each thread its own Clone(): clones share the loaded graph and
// weights (read-only) and each compiles its own plans, so they run concurrently.
class Predictor {
 public:
  // Loads and checks `export_dir` (see ReadExport for the errors).
  static absl::StatusOr<std::unique_ptr<Predictor>> Load(const std::string& export_dir,
                                                         const PredictorOptions& options = {});

  const Signature& signature() const { return shared_->signature; }
  const ExportMetadata& metadata() const { return shared_->metadata; }
  const std::string& dir() const { return shared_->dir; }

  // Inputs in signature order, all with the same batch size n >= 1. `outputs` receives one tensor per
  // signature output, in order; tensors already there with the right dtype and shape and no other owner are
  // written in place, so a serving loop reusing the vector allocates nothing. Wrong input count, dtype or
  // shape is InvalidArgument naming the signature field ("input 'image' ...").
  absl::Status Run(absl::Span<const graph::Tensor> inputs, std::vector<graph::Tensor>* outputs);

  // Convenience form by name: every signature input must be given (unknown names are errors); returns every
  // output by name.
  absl::StatusOr<std::map<std::string, graph::Tensor>> Predict(
      const std::map<std::string, graph::Tensor>& inputs);

  // A predictor on the same loaded export with its own session.
  std::unique_ptr<Predictor> Clone() const;

 private:
  struct Shared {
    std::string dir;
    std::unique_ptr<graph::Graph> graph;
    Signature signature;
    ExportMetadata metadata;
    std::vector<graph::Output> inputs;
    std::vector<graph::Output> outputs;
  };
  Predictor(std::shared_ptr<const Shared> shared, const PredictorOptions& options);
  absl::Status CheckInputs(absl::Span<const graph::Tensor> inputs) const;

  std::shared_ptr<const Shared> shared_;
  PredictorOptions options_;
  graph::Session session_;
  absl::Mutex mu_;
  std::vector<graph::Feed> feeds_ ABSL_GUARDED_BY(mu_);
};

}  // namespace estimator

#endif  // ESTIMATOR_PREDICTOR_H_
