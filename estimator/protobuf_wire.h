// A minimal encoder and decoder of the protocol buffer wire format (varints, 64-bit and 32-bit fixed values,
// length-delimited fields: strings, nested messages, packed repeated doubles) and, built on it, TensorBoard's
// Event/Summary messages (field numbers of TensorFlow's event.proto and summary.proto; see
// summary_writer.h for the message layout). No protobuf library is needed.
#ifndef ESTIMATOR_PROTOBUF_WIRE_H_
#define ESTIMATOR_PROTOBUF_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace estimator {
namespace wire {

// The wire types this codec understands. Groups (3 and 4) are deprecated and rejected by the reader.
enum class WireType : uint8_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// Appends fields to a string in wire format. Field numbers must be in [1, 2^29 - 1] (not checked: callers
// pass compile-time constants). Not thread-safe; one writer per encoder.
class Encoder {
 public:
  // Encodes into an internal buffer; take the result with `data()` or `Release()`.
  Encoder() = default;

  // Appends the base-128 varint of `value` (1 to 10 bytes, least significant group first).
  void PutRawVarint(uint64_t value);
  // Appends the key (field << 3 | wire type) as a varint.
  void PutTag(int field, WireType type);
  // A varint field. Negative int64 values are sent as their two's complement (10 bytes), as for `int64`.
  void PutVarintField(int field, uint64_t value);
  void PutInt64Field(int field, int64_t value) { PutVarintField(field, static_cast<uint64_t>(value)); }
  // A `double` field: tag then the 8 IEEE-754 bytes, little-endian.
  void PutDoubleField(int field, double value);
  // A `float` field: tag then the 4 IEEE-754 bytes, little-endian.
  void PutFloatField(int field, float value);
  // A `string`, `bytes` or nested message field: tag, varint length, then the bytes.
  void PutBytesField(int field, absl::string_view bytes);
  // A packed `repeated double` field (one length-delimited field). Writes nothing when `values` is empty.
  void PutPackedDoubleField(int field, absl::Span<const double> values);

  // The bytes encoded so far.
  const std::string& data() const { return out_; }
  // Moves the encoded bytes out and leaves the encoder empty.
  std::string Release();

 private:
  std::string out_;
};

// One field read from a message. For kLengthDelimited, `bytes` views the decoder's input, so it is valid
// only while that input is alive.
struct Field {
  int number = 0;
  WireType type = WireType::kVarint;
  uint64_t varint = 0;   // kVarint
  uint64_t fixed64 = 0;  // kFixed64 (raw bits)
  uint32_t fixed32 = 0;  // kFixed32 (raw bits)
  absl::string_view bytes;

  // The fixed64 bits as a double / the fixed32 bits as a float.
  double AsDouble() const;
  float AsFloat() const;
};

// Reads the fields of one message in order. Views `input` without copying; `input` must outlive the
// decoder and every Field it returns. Not thread-safe.
class Decoder {
 public:
  explicit Decoder(absl::string_view input) : input_(input) {}

  // True when every byte has been consumed.
  bool done() const { return pos_ >= input_.size(); }
  // Reads the next field. Errors (InvalidArgument / DataLoss) name the byte offset: a truncated varint
  // or value, a length past the end, field number 0, or an unsupported wire type.
  absl::StatusOr<Field> Next();

 private:
  absl::StatusOr<uint64_t> ReadVarint();

  absl::string_view input_;
  size_t pos_ = 0;
};

// Decodes a packed repeated double payload (the `bytes` of a length-delimited field) and appends the values
// to `out`. Fails if the length is not a multiple of 8.
absl::Status AppendPackedDoubles(absl::string_view bytes, std::vector<double>* out);

}  // namespace wire

// The file_version of the first record of every event file.
inline constexpr char kEventFileVersion[] = "brain.Event:2";

// A HistogramProto. bucket[i] counts the values v with bucket_limit[i-1] <= v < bucket_limit[i] (the first
// bucket is open below).
struct HistogramValue {
  double min = 0;
  double max = 0;
  double num = 0;
  double sum = 0;
  double sum_squares = 0;
  std::vector<double> bucket_limit;
  std::vector<double> bucket;
};

// A Summary.Value: a tag with at most one of a scalar or a histogram (a oneof; encoding writes simple_value
// if both are set).
struct SummaryValue {
  std::string tag;
  std::optional<float> simple_value;
  std::optional<HistogramValue> histo;
};

// An Event. At most one of file_version and summary is set (a oneof; encoding writes file_version if both
// are). Zero wall_time/step are omitted on the wire, as proto3 does.
struct Event {
  double wall_time = 0;
  int64_t step = 0;
  std::optional<std::string> file_version;
  std::optional<std::vector<SummaryValue>> summary;
};

// Serializes `event` in protobuf wire format (fields in field-number order, proto3 zero-omission for
// non-oneof scalars and the histogram's scalar fields).
std::string EncodeEvent(const Event& event);

// Parses a serialized Event. Unknown fields (any number, any supported wire type) are skipped; for the oneofs
// the last field read wins. Fails with a message naming the offending field on malformed input.
absl::StatusOr<Event> DecodeEvent(absl::string_view bytes);

}  // namespace estimator

#endif  // ESTIMATOR_PROTOBUF_WIRE_H_
