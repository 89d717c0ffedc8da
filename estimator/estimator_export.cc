// Estimator::Export: a checkpoint as a self-contained inference graph for serving.
#include <algorithm>
#include <chrono>
#include <ctime>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "estimator/estimator.h"
#include "estimator/estimator_internal.h"
#include "graph/ops/state_ops.h"
#include "layers/variables.h"
#include "onnx/onnx_export.h"

namespace estimator {
namespace {

std::string UtcNow() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

TensorSpec SpecOf(const std::string& name, const graph::Output& o) {
  return TensorSpec{name, o.name(), o.dtype(), o.shape()};
}

}  // namespace

absl::StatusOr<ServingInput> ServingInputFromInput(const InputFn& input_fn,
                                                   const std::vector<std::string>& label_keys) {
  datasets::Element batch;
  bool end = false;
  auto it = internal::StartInput(input_fn, &batch, &end);
  if (!it.ok()) return it.status();
  if (end) return absl::InvalidArgumentError("the input is empty; cannot derive the serving input from it");
  ServingInput serving;
  for (int i = 0; i < batch.size(); ++i) {
    if (std::find(label_keys.begin(), label_keys.end(), batch.name(i)) != label_keys.end()) continue;
    const graph::Tensor& t = batch.tensor(i);
    if (t.rank() < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("input component '", batch.name(i), "' is a scalar; inputs must be batched"));
    }
    serving.features.push_back({batch.name(i), t.dtype(), graph::Shape(t.shape().dims().subspan(1))});
  }
  if (absl::Status st = serving.Validate(); !st.ok()) return st;
  return serving;
}

absl::StatusOr<std::string> Estimator::Export(const std::string& export_dir_base,
                                              const ServingInput& serving_input,
                                              const ExportOptions& options) {
  LogEnvironmentOnce();
  if (absl::Status st = serving_input.Validate(); !st.ok()) return st;
  if (export_dir_base.empty()) return absl::InvalidArgumentError("Export: export_dir_base is empty");
  if (options.keep < 0) return absl::InvalidArgumentError("ExportOptions.keep must be >= 0");
  std::string used;
  absl::StatusOr<SafetensorsFile> ckpt = LoadCheckpoint(options.checkpoint, &used);
  if (absl::IsNotFound(ckpt.status()) && options.checkpoint.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no checkpoint in ", config_.model_dir, " to export; train first"));
  }
  if (!ckpt.ok()) return ckpt.status();

  // The PREDICT graph, fed by one placeholder per serving feature (named as Predict's are).
  Scope s = Scope::NewRootScope(config_.random_seed);
  std::map<std::string, Output> features;
  std::vector<Output> placeholders;
  for (const ServingFeature& f : serving_input.features) {
    graph::Shape shape{graph::Shape::kUnknownDim};
    for (int64_t d : f.shape.dims()) shape.AddDim(d);
    Output p = graph::ops::Placeholder(s.WithOpName("features/" + f.name), f.dtype, shape);
    features[f.name] = p;
    placeholders.push_back(p);
  }
  layers::GetOrCreateGlobalStep(s);
  EstimatorSpec spec = model_fn_(Features(s, features), Labels(s, {}), Mode::kPredict, params_);
  if (!params_.status().ok()) return params_.status();
  if (!s.ok()) return s.status();
  if (absl::Status st = ValidateSpec(spec, Mode::kPredict); !st.ok()) return st;
  const std::map<std::string, Output>& named =
      spec.export_outputs.empty() ? spec.predictions : spec.export_outputs;
  std::vector<Output> outputs;
  for (const auto& [name, o] : named) {
    if (!o.valid()) return absl::InvalidArgumentError(absl::StrCat("export output '", name, "' is not set"));
    outputs.push_back(o);
  }

  const SafetensorsFile& file = *ckpt;
  auto value_of = [&file](const graph::Node& var) -> absl::StatusOr<graph::Tensor> {
    auto it = file.tensors.find(var.name());
    if (it == file.tensors.end()) {
      return absl::FailedPreconditionError(absl::StrCat("checkpoint ", file.path, " has no variable '",
                                                        var.name(), "' that the export needs"));
    }
    const graph::TensorType& type = var.output_type(0);
    if (it->second.dtype() != type.dtype || it->second.shape() != type.shape) {
      return absl::FailedPreconditionError(absl::StrCat(
          "checkpoint ", file.path, " does not match the model: variable '", var.name(), "' is ",
          graph::DTypeName(type.dtype), type.shape.ToString(), " in the model, ",
          graph::DTypeName(it->second.dtype()), it->second.shape().ToString(), " in the checkpoint"));
    }
    return it->second;
  };
  absl::StatusOr<graph::InferenceGraph> inference =
      graph::MakeInferenceGraph(*s.graph(), placeholders, outputs, value_of, options.inference);
  if (!inference.ok()) return inference.status();

  ExportContents contents;
  contents.graph = inference->graph.get();
  for (size_t i = 0; i < placeholders.size(); ++i) {
    contents.signature.inputs.push_back(SpecOf(serving_input.features[i].name, inference->inputs[i]));
  }
  size_t k = 0;
  for (const auto& [name, o] : named)
    contents.signature.outputs.push_back(SpecOf(name, inference->outputs[k++]));
  ExportMetadata& meta = contents.metadata;
  auto step = file.metadata.find(internal::kGlobalStepKey);
  if (step == file.metadata.end() || !absl::SimpleAtoi(step->second, &meta.global_step)) {
    return absl::DataLossError(absl::StrCat("checkpoint ", file.path, " has no valid global_step"));
  }
  meta.checkpoint = used;
  meta.created = UtcNow();
  meta.config = options.config;
  meta.eval_metrics = options.eval_metrics;
  meta.rewrites = inference->rewrites;
  if (options.onnx) {
    std::vector<onnx_export::NamedOutput> in, out;
    for (size_t i = 0; i < contents.signature.inputs.size(); ++i) {
      in.push_back({contents.signature.inputs[i].name, inference->inputs[i]});
    }
    for (size_t i = 0; i < contents.signature.outputs.size(); ++i) {
      out.push_back({contents.signature.outputs[i].name, inference->outputs[i]});
    }
    onnx_export::OnnxExportOptions onnx_options;
    onnx_options.metadata = {{"global_step", absl::StrCat(meta.global_step)}, {"checkpoint", used}};
    absl::StatusOr<std::string> model = onnx_export::ExportOnnx(*inference->graph, in, out, onnx_options);
    if (!model.ok()) return model.status();
    contents.onnx_model = *std::move(model);
  }
  absl::StatusOr<std::string> dir = WriteExport(export_dir_base, contents, options.keep);
  if (dir.ok()) Log(absl::StrCat("exported global_step ", meta.global_step, " to ", *dir));
  return dir;
}

}  // namespace estimator
