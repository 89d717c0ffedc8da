#include "estimator/protobuf_wire.h"

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace estimator {
namespace wire {
namespace {

constexpr int kMaxVarintBytes = 10;

void AppendLittleEndian(uint64_t bits, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

uint64_t LoadLittleEndian(const char* p, int bytes) {
  uint64_t bits = 0;
  for (int i = 0; i < bytes; ++i) bits |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return bits;
}

}  // namespace

void Encoder::PutRawVarint(uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void Encoder::PutTag(int field, WireType type) {
  PutRawVarint((static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(type));
}

void Encoder::PutVarintField(int field, uint64_t value) {
  PutTag(field, WireType::kVarint);
  PutRawVarint(value);
}

void Encoder::PutDoubleField(int field, double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  PutTag(field, WireType::kFixed64);
  AppendLittleEndian(bits, 8, &out_);
}

void Encoder::PutFloatField(int field, float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  PutTag(field, WireType::kFixed32);
  AppendLittleEndian(bits, 4, &out_);
}

void Encoder::PutBytesField(int field, absl::string_view bytes) {
  PutTag(field, WireType::kLengthDelimited);
  PutRawVarint(bytes.size());
  out_.append(bytes.data(), bytes.size());
}

void Encoder::PutPackedDoubleField(int field, absl::Span<const double> values) {
  if (values.empty()) return;
  PutTag(field, WireType::kLengthDelimited);
  PutRawVarint(values.size() * 8);
  for (double v : values) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    AppendLittleEndian(bits, 8, &out_);
  }
}

std::string Encoder::Release() {
  std::string result = std::move(out_);
  out_.clear();
  return result;
}

double Field::AsDouble() const {
  double v;
  std::memcpy(&v, &fixed64, sizeof v);
  return v;
}

float Field::AsFloat() const {
  float v;
  std::memcpy(&v, &fixed32, sizeof v);
  return v;
}

absl::StatusOr<uint64_t> Decoder::ReadVarint() {
  const size_t start = pos_;
  uint64_t value = 0;
  for (int i = 0; i < kMaxVarintBytes; ++i) {
    if (pos_ >= input_.size()) {
      return absl::DataLossError(absl::StrCat("truncated varint at byte ", start));
    }
    const uint8_t byte = static_cast<uint8_t>(input_[pos_++]);
    if (i == kMaxVarintBytes - 1 && byte > 1) {
      return absl::InvalidArgumentError(absl::StrCat("varint at byte ", start, " overflows 64 bits"));
    }
    value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return value;
  }
  return absl::InvalidArgumentError(absl::StrCat("varint at byte ", start, " is longer than 10 bytes"));
}

absl::StatusOr<Field> Decoder::Next() {
  const size_t start = pos_;
  absl::StatusOr<uint64_t> key = ReadVarint();
  if (!key.ok()) return key.status();
  Field field;
  const uint64_t number = *key >> 3;
  if (number == 0 || number > (1u << 29) - 1) {
    return absl::InvalidArgumentError(absl::StrCat("invalid field number ", number, " at byte ", start));
  }
  field.number = static_cast<int>(number);
  const uint64_t type = *key & 7;
  const size_t remaining = input_.size() - pos_;
  switch (type) {
    case 0: {
      field.type = WireType::kVarint;
      absl::StatusOr<uint64_t> v = ReadVarint();
      if (!v.ok()) return v.status();
      field.varint = *v;
      return field;
    }
    case 1:
      if (remaining < 8) {
        return absl::DataLossError(absl::StrCat("truncated fixed64 of field ", number, " at byte ", start));
      }
      field.type = WireType::kFixed64;
      field.fixed64 = LoadLittleEndian(input_.data() + pos_, 8);
      pos_ += 8;
      return field;
    case 5:
      if (remaining < 4) {
        return absl::DataLossError(absl::StrCat("truncated fixed32 of field ", number, " at byte ", start));
      }
      field.type = WireType::kFixed32;
      field.fixed32 = static_cast<uint32_t>(LoadLittleEndian(input_.data() + pos_, 4));
      pos_ += 4;
      return field;
    case 2: {
      absl::StatusOr<uint64_t> length = ReadVarint();
      if (!length.ok()) return length.status();
      if (*length > input_.size() - pos_) {
        return absl::DataLossError(absl::StrCat("length ", *length, " of field ", number, " at byte ", start,
                                                " runs past the end (", input_.size() - pos_,
                                                " bytes left)"));
      }
      field.type = WireType::kLengthDelimited;
      field.bytes = input_.substr(pos_, static_cast<size_t>(*length));
      pos_ += static_cast<size_t>(*length);
      return field;
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("unsupported wire type ", type, " of field ", number, " at byte ", start));
  }
}

absl::Status AppendPackedDoubles(absl::string_view bytes, std::vector<double>* out) {
  if (bytes.size() % 8 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("packed doubles of ", bytes.size(), " bytes: not a multiple of 8"));
  }
  for (size_t i = 0; i < bytes.size(); i += 8) {
    const uint64_t bits = LoadLittleEndian(bytes.data() + i, 8);
    double v;
    std::memcpy(&v, &bits, sizeof v);
    out->push_back(v);
  }
  return absl::OkStatus();
}

}  // namespace wire

namespace {

using wire::Decoder;
using wire::Encoder;
using wire::Field;
using wire::WireType;

// Field numbers of event.proto / summary.proto.
enum EventField { kWallTime = 1, kStep = 2, kFileVersion = 3, kSummary = 5 };
enum SummaryField { kSummaryValue = 1 };
enum ValueField { kTag = 1, kSimpleValue = 2, kHisto = 5 };
enum HistoField { kMin = 1, kMax = 2, kNum = 3, kSum = 4, kSumSquares = 5, kBucketLimit = 6, kBucket = 7 };

bool IsZero(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits == 0;  // -0.0 is written, as proto3 does.
}

void PutDoubleUnlessZero(Encoder& e, int field, double v) {
  if (!IsZero(v)) e.PutDoubleField(field, v);
}

std::string EncodeHistogram(const HistogramValue& h) {
  Encoder e;
  PutDoubleUnlessZero(e, kMin, h.min);
  PutDoubleUnlessZero(e, kMax, h.max);
  PutDoubleUnlessZero(e, kNum, h.num);
  PutDoubleUnlessZero(e, kSum, h.sum);
  PutDoubleUnlessZero(e, kSumSquares, h.sum_squares);
  e.PutPackedDoubleField(kBucketLimit, h.bucket_limit);
  e.PutPackedDoubleField(kBucket, h.bucket);
  return e.Release();
}

std::string EncodeSummary(const std::vector<SummaryValue>& values) {
  Encoder summary;
  for (const SummaryValue& v : values) {
    Encoder value;
    if (!v.tag.empty()) value.PutBytesField(kTag, v.tag);
    if (v.simple_value.has_value()) {
      value.PutFloatField(kSimpleValue, *v.simple_value);
    } else if (v.histo.has_value()) {
      value.PutBytesField(kHisto, EncodeHistogram(*v.histo));
    }
    summary.PutBytesField(kSummaryValue, value.data());
  }
  return summary.Release();
}

// Checks that `f` has wire type `want`; the message names the field.
absl::Status Expect(const Field& f, WireType want, const char* message) {
  if (f.type == want) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(message, " field ", f.number, " has wire type ",
                                                 static_cast<int>(f.type), ", expected ",
                                                 static_cast<int>(want)));
}

absl::StatusOr<HistogramValue> DecodeHistogram(absl::string_view bytes) {
  HistogramValue h;
  Decoder d(bytes);
  while (!d.done()) {
    absl::StatusOr<Field> f = d.Next();
    if (!f.ok()) return f.status();
    double* const scalars[] = {&h.min, &h.max, &h.num, &h.sum, &h.sum_squares};  // Fields 1 to 5.
    double* scalar = f->number >= kMin && f->number <= kSumSquares ? scalars[f->number - kMin] : nullptr;
    std::vector<double>* list = f->number == kBucketLimit ? &h.bucket_limit
                                : f->number == kBucket    ? &h.bucket
                                                          : nullptr;
    if (scalar == nullptr && list == nullptr) continue;  // An unknown field.
    if (scalar != nullptr) {
      if (absl::Status s = Expect(*f, WireType::kFixed64, "HistogramProto"); !s.ok()) return s;
      *scalar = f->AsDouble();
    } else if (f->type == WireType::kFixed64) {  // An unpacked element.
      list->push_back(f->AsDouble());
    } else {
      if (absl::Status s = Expect(*f, WireType::kLengthDelimited, "HistogramProto"); !s.ok()) return s;
      if (absl::Status s = wire::AppendPackedDoubles(f->bytes, list); !s.ok()) return s;
    }
  }
  return h;
}

absl::StatusOr<SummaryValue> DecodeSummaryValue(absl::string_view bytes) {
  SummaryValue v;
  Decoder d(bytes);
  while (!d.done()) {
    absl::StatusOr<Field> f = d.Next();
    if (!f.ok()) return f.status();
    if (f->number == kTag) {
      if (absl::Status s = Expect(*f, WireType::kLengthDelimited, "Summary.Value"); !s.ok()) return s;
      v.tag = std::string(f->bytes);
    } else if (f->number == kSimpleValue) {
      if (absl::Status s = Expect(*f, WireType::kFixed32, "Summary.Value"); !s.ok()) return s;
      v.simple_value = f->AsFloat();
      v.histo.reset();
    } else if (f->number == kHisto) {
      if (absl::Status s = Expect(*f, WireType::kLengthDelimited, "Summary.Value"); !s.ok()) return s;
      absl::StatusOr<HistogramValue> h = DecodeHistogram(f->bytes);
      if (!h.ok()) return h.status();
      v.histo = *std::move(h);
      v.simple_value.reset();
    }
  }
  return v;
}

absl::Status DecodeSummaryInto(absl::string_view bytes, std::vector<SummaryValue>* values) {
  Decoder d(bytes);
  while (!d.done()) {
    absl::StatusOr<Field> f = d.Next();
    if (!f.ok()) return f.status();
    if (f->number != kSummaryValue) continue;
    if (absl::Status s = Expect(*f, WireType::kLengthDelimited, "Summary"); !s.ok()) return s;
    absl::StatusOr<SummaryValue> v = DecodeSummaryValue(f->bytes);
    if (!v.ok()) return v.status();
    values->push_back(*std::move(v));
  }
  return absl::OkStatus();
}

}  // namespace

std::string EncodeEvent(const Event& event) {
  Encoder e;
  PutDoubleUnlessZero(e, kWallTime, event.wall_time);
  if (event.step != 0) e.PutInt64Field(kStep, event.step);
  if (event.file_version.has_value()) {
    e.PutBytesField(kFileVersion, *event.file_version);
  } else if (event.summary.has_value()) {
    e.PutBytesField(kSummary, EncodeSummary(*event.summary));
  }
  return e.Release();
}

absl::StatusOr<Event> DecodeEvent(absl::string_view bytes) {
  Event event;
  Decoder d(bytes);
  while (!d.done()) {
    absl::StatusOr<Field> f = d.Next();
    if (!f.ok()) return f.status();
    if (f->number == kWallTime) {
      if (absl::Status s = Expect(*f, WireType::kFixed64, "Event"); !s.ok()) return s;
      event.wall_time = f->AsDouble();
    } else if (f->number == kStep) {
      if (absl::Status s = Expect(*f, WireType::kVarint, "Event"); !s.ok()) return s;
      event.step = static_cast<int64_t>(f->varint);
    } else if (f->number == kFileVersion) {
      if (absl::Status s = Expect(*f, WireType::kLengthDelimited, "Event"); !s.ok()) return s;
      event.file_version = std::string(f->bytes);
      event.summary.reset();
    } else if (f->number == kSummary) {
      if (absl::Status s = Expect(*f, WireType::kLengthDelimited, "Event"); !s.ok()) return s;
      if (!event.summary.has_value()) event.summary.emplace();
      if (absl::Status s = DecodeSummaryInto(f->bytes, &*event.summary); !s.ok()) return s;
      event.file_version.reset();
    }
  }
  return event;
}

}  // namespace estimator
