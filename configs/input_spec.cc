#include "configs/input_spec.h"

#include "absl/strings/str_cat.h"
#include "datasets/csv.h"
#include "datasets/idx.h"
#include "estimator/model_registry.h"

namespace configs {
namespace {

constexpr char kLabelKey[] = "label";

// Divides every f32 component except the label by `scale`.
datasets::MapFn ScaleFn(double scale) {
  const float factor = static_cast<float>(1.0 / scale);
  return [factor](const datasets::Element& in, datasets::Element* out) -> absl::Status {
    for (int i = 0; i < in.size(); ++i) {
      const graph::Tensor& t = in.tensor(i);
      if (t.dtype() != graph::DType::kFloat32 || in.name(i) == kLabelKey) {
        out->SetAt(i, in.name(i), t);
        continue;
      }
      graph::Tensor* scaled = out->ReuseAt(i, in.name(i), graph::DType::kFloat32, t.shape());
      const float* src = t.data<float>();
      float* dst = scaled->data<float>();
      for (int64_t k = 0; k < t.num_elements(); ++k) dst[k] = src[k] * factor;
    }
    out->Truncate(in.size());
    return absl::OkStatus();
  };
}

// Reshapes every component of rank > 1 except the label to 1-D (a view of the same storage).
absl::Status FlattenFn(const datasets::Element& in, datasets::Element* out) {
  for (int i = 0; i < in.size(); ++i) {
    const graph::Tensor& t = in.tensor(i);
    if (t.rank() <= 1 || in.name(i) == kLabelKey) {
      out->SetAt(i, in.name(i), t);
      continue;
    }
    absl::StatusOr<graph::Tensor> flat = t.Reshaped(graph::Shape{t.num_elements()});
    if (!flat.ok()) return flat.status();
    out->SetAt(i, in.name(i), *std::move(flat));
  }
  out->Truncate(in.size());
  return absl::OkStatus();
}

datasets::Dataset Source(const InputSpec& spec) {
  if (spec.source == InputSource::kIdx) return datasets::Idx(spec.images, spec.labels);
  if (spec.source == InputSource::kInputFn) {
    absl::StatusOr<estimator::InputSourceFn> fn = estimator::FindInputFn(spec.name);
    if (!fn.ok()) return datasets::Dataset::FromStatus(fn.status());
    return (*fn)();
  }
  datasets::CsvOptions options;
  options.header = spec.header;
  options.delimiter = spec.delimiter;
  options.select_columns = spec.columns;
  options.default_dtype = spec.default_dtype;
  options.column_dtypes = spec.column_dtypes;
  options.column_defaults = spec.defaults;
  options.label_column = spec.label_column;
  options.label_key = kLabelKey;
  if (absl::Status st = options.Validate(); !st.ok()) return datasets::Dataset::FromStatus(st);
  return datasets::Csv(spec.path, options);
}

}  // namespace

const char* InputSourceName(InputSource source) {
  switch (source) {
    case InputSource::kIdx:
      return "idx";
    case InputSource::kCsv:
      return "csv";
    case InputSource::kInputFn:
      return "input_fn";
  }
  return "?";
}

absl::StatusOr<datasets::Dataset> BuildDataset(const InputSpec& spec) {
  if (spec.batch_size <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("input.batch_size: must be > 0, got ", spec.batch_size));
  }
  datasets::Dataset ds = Source(spec);
  for (const MapPreset& preset : spec.map) {
    if (preset.kind == MapPreset::Kind::kScale) {
      if (!(preset.scale > 0) || preset.scale > 1e300) {
        return absl::InvalidArgumentError(
            absl::StrCat("input.map: scale must be finite and > 0, got ", preset.scale));
      }
      ds = ds.Map(ScaleFn(preset.scale));
    } else {
      ds = ds.Map(FlattenFn);
    }
  }
  if (spec.cache) ds = ds.Cache();
  if (spec.shuffle_buffer > 0) ds = ds.Shuffle(spec.shuffle_buffer, static_cast<uint64_t>(spec.seed));
  ds = ds.Batch(spec.batch_size, spec.drop_remainder);
  if (spec.repeat != 1) ds = ds.Repeat(spec.repeat);
  if (spec.prefetch > 0) ds = ds.Prefetch(spec.prefetch);
  if (!ds.ok()) {
    const std::string& file = spec.source == InputSource::kIdx       ? spec.images
                              : spec.source == InputSource::kInputFn ? spec.name
                                                                     : spec.path;
    return absl::Status(ds.status().code(), absl::StrCat("input (", InputSourceName(spec.source), " ", file,
                                                         "): ", ds.status().message()));
  }
  return ds;
}

}  // namespace configs
