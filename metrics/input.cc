#include "metrics/input.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace metrics {
namespace {

absl::Status Err(std::string_view context, std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(context), ": ", std::string(message)));
}

std::string Describe(const graph::Tensor& t) {
  return absl::StrCat(graph::DTypeName(t.dtype()), t.shape().ToString());
}

}  // namespace

absl::StatusOr<int64_t> BatchSize(std::string_view context, const graph::Tensor& t, const char* what) {
  if (!t.IsValid()) return Err(context, absl::StrCat(what, " tensor is missing"));
  if (t.rank() == 0) return Err(context, absl::StrCat(what, " must have a batch dimension, got a scalar"));
  return t.dim(0);
}

bool IsColumn(const graph::Tensor& t, int64_t n) {
  return t.IsValid() &&
         ((t.rank() == 1 && t.dim(0) == n) || (t.rank() == 2 && t.dim(0) == n && t.dim(1) == 1));
}

absl::StatusOr<const float*> FloatData(std::string_view context, const graph::Tensor& t, const char* what,
                                       std::vector<float>* storage) {
  if (!t.IsValid()) return Err(context, absl::StrCat(what, " tensor is missing"));
  const float* data = nullptr;
  const int64_t n = t.num_elements();
  if (t.dtype() == graph::DType::kFloat32) {
    data = t.data<float>();
  } else if (t.dtype() == graph::DType::kBFloat16) {
    storage->resize(static_cast<size_t>(n));
    const graph::bfloat16* src = t.data<graph::bfloat16>();
    for (int64_t i = 0; i < n; ++i) (*storage)[static_cast<size_t>(i)] = static_cast<float>(src[i]);
    data = storage->data();
  } else {
    return Err(context, absl::StrCat(what, " must be f32 or bf16 scores, got ", Describe(t)));
  }
  // One pass with no branch in the loop body; locate the culprit only when something is wrong.
  bool all_finite = true;
  for (int64_t i = 0; i < n; ++i) all_finite &= std::isfinite(data[i]);
  if (!all_finite) {
    for (int64_t i = 0; i < n; ++i) {
      if (!std::isfinite(data[i])) {
        return Err(context, absl::StrCat(what, " contain ", std::isnan(data[i]) ? "NaN" : "an infinity",
                                         " at flat index ", i));
      }
    }
  }
  return data;
}

absl::Status ReadFinite(std::string_view context, const graph::Tensor& t, const char* what,
                        std::vector<double>* out) {
  if (!t.IsValid()) return Err(context, absl::StrCat(what, " tensor is missing"));
  const int64_t n = t.num_elements();
  out->resize(static_cast<size_t>(n));
  double* o = out->data();
  graph::DispatchDType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* src = t.data<T>();
    for (int64_t i = 0; i < n; ++i) {
      if constexpr (std::is_same_v<T, graph::bfloat16>) {
        o[i] = static_cast<double>(static_cast<float>(src[i]));
      } else {
        o[i] = static_cast<double>(src[i]);
      }
    }
  });
  bool all_finite = true;
  for (int64_t i = 0; i < n; ++i) all_finite &= std::isfinite(o[i]);
  if (!all_finite) {
    for (int64_t i = 0; i < n; ++i) {
      if (!std::isfinite(o[i])) {
        return Err(context, absl::StrCat(what, " contain ", std::isnan(o[i]) ? "NaN" : "an infinity",
                                         " at flat index ", i));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ReadWeights(std::string_view context, const graph::Tensor& weights, int64_t n,
                         std::vector<double>* out) {
  out->clear();
  if (!weights.IsValid()) return absl::OkStatus();
  if (!IsColumn(weights, n)) {
    return Err(context, absl::StrCat("sample_weights must be [", n, "] or [", n,
                                     ",1] to match the batch, got ", Describe(weights)));
  }
  if (absl::Status s = ReadFinite(context, weights, "sample_weights", out); !s.ok()) return s;
  for (size_t i = 0; i < out->size(); ++i) {
    if ((*out)[i] < 0)
      return Err(context, absl::StrCat("sample_weights[", i, "] = ", (*out)[i], " is negative"));
  }
  return absl::OkStatus();
}

absl::Status ReadClassIds(std::string_view context, const graph::Tensor& t, const char* what, int64_t n,
                          int64_t num_classes, std::vector<int32_t>* out) {
  if (!t.IsValid()) return Err(context, absl::StrCat(what, " tensor is missing"));
  if (!IsColumn(t, n)) {
    return Err(context,
               absl::StrCat(what, " must be class ids of shape [", n, "] or [", n, ",1], got ", Describe(t)));
  }
  out->resize(static_cast<size_t>(n));
  int32_t* o = out->data();
  const int64_t limit = num_classes > 0 ? num_classes : (int64_t{1} << 31) - 1;
  auto range_error = [&](int64_t i, double v) {
    return Err(context, absl::StrCat(what, "[", i, "] = ", v, " is not a class id in [0, ",
                                     num_classes > 0 ? absl::StrCat(num_classes) : std::string("inf"), ")"));
  };
  switch (t.dtype()) {
    case graph::DType::kInt32:
    case graph::DType::kInt64: {
      bool ok = true;
      graph::DispatchDType(t.dtype(), [&](auto tag) {
        using T = decltype(tag);
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
          const T* src = t.data<T>();
          for (int64_t i = 0; i < n; ++i) {
            const int64_t v = static_cast<int64_t>(src[i]);
            ok &= (v >= 0) & (v < limit);
            o[i] = static_cast<int32_t>(v);
          }
        }
      });
      if (!ok) {
        for (int64_t i = 0; i < n; ++i) {
          const double v = t.ElementAsDouble(i);
          if (v < 0 || v >= static_cast<double>(limit)) return range_error(i, v);
        }
      }
      return absl::OkStatus();
    }
    case graph::DType::kBool: {
      const bool* src = t.data<bool>();
      for (int64_t i = 0; i < n; ++i) {
        o[i] = src[i] ? 1 : 0;
        if (o[i] >= limit) return range_error(i, o[i]);
      }
      return absl::OkStatus();
    }
    case graph::DType::kFloat32: {
      const float* src = t.data<float>();
      for (int64_t i = 0; i < n; ++i) {
        const float v = src[i];
        if (std::isnan(v)) return Err(context, absl::StrCat(what, "[", i, "] is NaN"));
        if (v != std::floor(v))
          return Err(context, absl::StrCat(what, "[", i, "] = ", v, " is not an integer"));
        if (v < 0 || static_cast<double>(v) >= static_cast<double>(limit)) return range_error(i, v);
        o[i] = static_cast<int32_t>(v);
      }
      return absl::OkStatus();
    }
    default:
      return Err(context,
                 absl::StrCat(what, " must be i32, i64, bool or integral f32 class ids, got ", Describe(t)));
  }
}

absl::Status ReadBinaryLabels(std::string_view context, const graph::Tensor& t, int64_t n,
                              std::vector<uint8_t>* out) {
  std::vector<int32_t> ids;
  if (absl::Status s = ReadClassIds(context, t, "binary labels", n, 2, &ids); !s.ok()) return s;
  out->resize(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) (*out)[i] = static_cast<uint8_t>(ids[i]);
  return absl::OkStatus();
}

absl::Status ReadClassBatch(std::string_view context, const graph::Tensor& predictions,
                            const graph::Tensor& labels, const graph::Tensor& weights,
                            const ClassInputSpec& spec, ClassBatch* out) {
  absl::StatusOr<int64_t> n_or = BatchSize(context, predictions, "predictions");
  if (!n_or.ok()) return n_or.status();
  const int64_t n = *n_or;
  const int64_t c = spec.num_classes;
  out->size = n;
  out->predicted.resize(static_cast<size_t>(n));

  // Predictions.
  if (predictions.dtype() == graph::DType::kFloat32 || predictions.dtype() == graph::DType::kBFloat16) {
    std::vector<float> storage;
    absl::StatusOr<const float*> data = FloatData(context, predictions, "predictions", &storage);
    if (!data.ok()) return data.status();
    if (predictions.rank() == 2 && predictions.dim(1) == c && c > 1) {
      for (int64_t i = 0; i < n; ++i) out->predicted[static_cast<size_t>(i)] = ArgMax(*data + i * c, c);
    } else if (IsColumn(predictions, n) && c == 2) {
      const float* p = *data;
      const double t = spec.threshold;
      for (int64_t i = 0; i < n; ++i) out->predicted[static_cast<size_t>(i)] = p[i] > t ? 1 : 0;
    } else {
      return Err(context, absl::StrCat("predictions must be scores of shape [N,", c, "]",
                                       c == 2 ? " or binary scores [N] / [N,1]" : "", ", got ",
                                       Describe(predictions)));
    }
  } else {
    if (absl::Status s = ReadClassIds(context, predictions, "predictions", n, c, &out->predicted); !s.ok()) {
      return s;
    }
  }

  // Labels.
  if (!labels.IsValid()) return Err(context, "labels tensor is missing");
  if (labels.rank() == 2 && labels.dim(0) == n && labels.dim(1) == c && c > 1) {
    std::vector<double> values;
    if (absl::Status s = ReadFinite(context, labels, "labels", &values); !s.ok()) return s;
    out->truth.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      const double* row = values.data() + i * c;
      int32_t best = 0;
      for (int64_t j = 1; j < c; ++j) {
        if (row[j] > row[best]) best = static_cast<int32_t>(j);
      }
      out->truth[static_cast<size_t>(i)] = best;
    }
  } else {
    if (labels.rank() >= 1 && labels.dim(0) != n) {
      return Err(context, absl::StrCat("labels have ", labels.dim(0), " rows but predictions have ", n));
    }
    if (absl::Status s = ReadClassIds(context, labels, "labels", n, c, &out->truth); !s.ok()) return s;
  }
  return ReadWeights(context, weights, n, &out->weights);
}

}  // namespace metrics
