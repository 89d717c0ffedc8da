#include "estimator/predictor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace estimator {
namespace {

std::string TypeString(graph::DType dtype, const graph::Shape& shape) {
  return absl::StrCat(graph::DTypeName(dtype), shape.ToString());
}

}  // namespace

Predictor::Predictor(std::shared_ptr<const Shared> shared, const PredictorOptions& options)
    : shared_(std::move(shared)),
      options_(options),
      session_(*shared_->graph, graph::SessionOptions{.intra_op_threads = options.intra_op_threads}) {
  feeds_.reserve(shared_->inputs.size());
  for (const graph::Output& in : shared_->inputs) feeds_.emplace_back(in, graph::Tensor());
}

absl::StatusOr<std::unique_ptr<Predictor>> Predictor::Load(const std::string& export_dir,
                                                           const PredictorOptions& options) {
  absl::StatusOr<LoadedExport> loaded = ReadExport(export_dir);
  if (!loaded.ok()) return loaded.status();
  auto shared = std::make_shared<Shared>();
  shared->dir = loaded->dir;
  shared->graph = std::move(loaded->graph);
  shared->signature = std::move(loaded->signature);
  shared->metadata = std::move(loaded->metadata);
  shared->inputs = std::move(loaded->inputs);
  shared->outputs = std::move(loaded->outputs);
  return std::unique_ptr<Predictor>(new Predictor(std::move(shared), options));
}

std::unique_ptr<Predictor> Predictor::Clone() const {
  return std::unique_ptr<Predictor>(new Predictor(shared_, options_));
}

absl::Status Predictor::CheckInputs(absl::Span<const graph::Tensor> inputs) const {
  const std::vector<TensorSpec>& specs = shared_->signature.inputs;
  if (inputs.size() != specs.size()) {
    std::vector<std::string> names;
    for (const TensorSpec& s : specs) names.push_back(s.name);
    return absl::InvalidArgumentError(absl::StrCat("the signature takes ", specs.size(), " inputs (",
                                                   absl::StrJoin(names, ", "), "), got ", inputs.size()));
  }
  int64_t batch = -1;
  for (size_t i = 0; i < specs.size(); ++i) {
    const TensorSpec& spec = specs[i];
    const graph::Tensor& t = inputs[i];
    if (t.dtype() != spec.dtype || !t.shape().IsCompatibleWith(spec.shape)) {
      return absl::InvalidArgumentError(absl::StrCat("input '", spec.name, "': expected ",
                                                     TypeString(spec.dtype, spec.shape), ", got ",
                                                     TypeString(t.dtype(), t.shape())));
    }
    if (spec.shape.rank() > 0 && spec.shape.dim(0) == graph::Shape::kUnknownDim) {
      if (t.shape().dim(0) < 1) {
        return absl::InvalidArgumentError(absl::StrCat("input '", spec.name, "': the batch is empty"));
      }
      if (batch >= 0 && t.shape().dim(0) != batch) {
        return absl::InvalidArgumentError(absl::StrCat("input '", spec.name, "': batch of ", t.shape().dim(0),
                                                       " but the previous inputs have ", batch));
      }
      batch = t.shape().dim(0);
    }
  }
  return absl::OkStatus();
}

absl::Status Predictor::Run(absl::Span<const graph::Tensor> inputs, std::vector<graph::Tensor>* outputs) {
  if (absl::Status st = CheckInputs(inputs); !st.ok()) return st;
  absl::MutexLock lock(&mu_);
  for (size_t i = 0; i < inputs.size(); ++i) feeds_[i].second = inputs[i];
  absl::Status st = session_.Run(feeds_, shared_->outputs, outputs);
  // The feeds must not keep the caller's buffers alive (or shared, which would defeat in-place reuse).
  for (graph::Feed& f : feeds_) f.second = graph::Tensor();
  return st;
}

absl::StatusOr<std::map<std::string, graph::Tensor>> Predictor::Predict(
    const std::map<std::string, graph::Tensor>& inputs) {
  const Signature& sig = shared_->signature;
  std::vector<graph::Tensor> ordered;
  ordered.reserve(sig.inputs.size());
  for (const TensorSpec& spec : sig.inputs) {
    auto it = inputs.find(spec.name);
    if (it == inputs.end())
      return absl::InvalidArgumentError(absl::StrCat("input '", spec.name, "' is missing"));
    ordered.push_back(it->second);
  }
  for (const auto& [name, t] : inputs) {
    bool known = false;
    for (const TensorSpec& spec : sig.inputs) known = known || spec.name == name;
    if (!known) return absl::InvalidArgumentError(absl::StrCat("the signature has no input '", name, "'"));
  }
  std::vector<graph::Tensor> outs;
  if (absl::Status st = Run(ordered, &outs); !st.ok()) return st;
  std::map<std::string, graph::Tensor> result;
  for (size_t i = 0; i < sig.outputs.size(); ++i) result[sig.outputs[i].name] = std::move(outs[i]);
  return result;
}

}  // namespace estimator
