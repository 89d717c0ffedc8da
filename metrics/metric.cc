#include "metrics/metric.h"

#include <typeinfo>

#include "absl/strings/str_cat.h"

namespace metrics {
namespace {

constexpr char kMagic[] = "EMTS";  // Estimator metric state.
constexpr uint64_t kFormatVersion = 1;

}  // namespace

Metric::Metric(std::string kind, const std::string& name)
    : kind_(std::move(kind)), name_(name.empty() ? kind_ : name) {}

std::string Metric::Context() const { return absl::StrCat("metric '", name_, "' (", kind_, ")"); }

absl::Status Metric::InputError(std::string_view message) const {
  return absl::InvalidArgumentError(absl::StrCat(Context(), ": ", std::string(message)));
}

absl::Status Metric::Merge(const Metric& other) {
  if (&other == this) return InputError("cannot merge a metric with itself");
  if (other.Kind() != Kind() || typeid(other) != typeid(*this)) {
    return InputError(absl::StrCat("cannot merge with metric '", other.Name(), "' of kind ", other.Kind()));
  }
  if (other.Config() != Config()) {
    return InputError(absl::StrCat("cannot merge metrics with different options: {", Config(), "} vs {",
                                   other.Config(), "}"));
  }
  return MergeFrom(other);
}

std::string Metric::SaveState() const {
  StateWriter w;
  w.PutString(kMagic);
  w.PutU64(kFormatVersion);
  w.PutString(kind_);
  w.PutString(Config());
  StateWriter payload;
  EncodeState(&payload);
  w.PutString(payload.bytes());
  w.PutU64(Fnv1a64(w.bytes()));
  return w.Release();
}

absl::Status Metric::RestoreState(std::string_view bytes) {
  const std::string context = absl::StrCat(Context(), ": RestoreState");
  if (bytes.size() < 8) return absl::InvalidArgumentError(context + ": saved state is too short");
  StateReader checksum_reader(bytes.substr(bytes.size() - 8), context);
  uint64_t checksum = 0;
  if (absl::Status s = checksum_reader.GetU64("checksum", &checksum); !s.ok()) return s;
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  if (Fnv1a64(body) != checksum)
    return absl::InvalidArgumentError(context + ": checksum mismatch (corrupt state)");

  StateReader r(body, context);
  std::string magic, kind, config, payload;
  uint64_t version = 0;
  if (absl::Status s = r.GetString("magic", &magic); !s.ok()) return s;
  if (magic != kMagic) return r.Error("not a metric state (bad magic)");
  if (absl::Status s = r.GetU64("version", &version); !s.ok()) return s;
  if (version != kFormatVersion) return r.Error(absl::StrCat("unsupported state version ", version));
  if (absl::Status s = r.GetString("kind", &kind); !s.ok()) return s;
  if (kind != kind_) return r.Error(absl::StrCat("state was saved by a metric of kind ", kind));
  if (absl::Status s = r.GetString("config", &config); !s.ok()) return s;
  if (config != Config()) {
    return r.Error(
        absl::StrCat("state was saved with options {", config, "}, this metric has {", Config(), "}"));
  }
  if (absl::Status s = r.GetString("payload", &payload); !s.ok()) return s;
  if (absl::Status s = r.ExpectEnd(); !s.ok()) return s;
  StateReader payload_reader(payload, context);
  if (absl::Status s = DecodeState(&payload_reader); !s.ok()) return s;
  return absl::OkStatus();
}

}  // namespace metrics
