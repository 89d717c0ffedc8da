#include "datasets/idx.h"

#include <cstring>
#include <limits>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "datasets/file_reader.h"

namespace datasets {
namespace {

bool AllowedDType(graph::DType t) {
  return t == graph::DType::kFloat32 || t == graph::DType::kInt32 || t == graph::DType::kInt64;
}

template <typename Out>
void Convert(const unsigned char* p, int type, int64_t n, Out* out) {
  auto be = [](const unsigned char* q, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | q[i];
    return v;
  };
  switch (type) {
    case 0x08:
      for (int64_t i = 0; i < n; ++i) out[i] = static_cast<Out>(p[i]);
      break;
    case 0x09:
      for (int64_t i = 0; i < n; ++i) out[i] = static_cast<Out>(static_cast<int8_t>(p[i]));
      break;
    case 0x0B:
      for (int64_t i = 0; i < n; ++i) out[i] = static_cast<Out>(static_cast<int16_t>(be(p + 2 * i, 2)));
      break;
    case 0x0C:
      for (int64_t i = 0; i < n; ++i) out[i] = static_cast<Out>(static_cast<int32_t>(be(p + 4 * i, 4)));
      break;
    case 0x0D:
      for (int64_t i = 0; i < n; ++i) {
        const uint32_t bits = static_cast<uint32_t>(be(p + 4 * i, 4));
        float f;
        std::memcpy(&f, &bits, 4);
        out[i] = static_cast<Out>(f);
      }
      break;
    case 0x0E:
      for (int64_t i = 0; i < n; ++i) {
        const uint64_t bits = be(p + 8 * i, 8);
        double d;
        std::memcpy(&d, &bits, 8);
        out[i] = static_cast<Out>(d);
      }
      break;
  }
}

int TypeSize(int type) {
  switch (type) {
    case 0x08:
    case 0x09:
      return 1;
    case 0x0B:
      return 2;
    case 0x0C:
    case 0x0D:
      return 4;
    case 0x0E:
      return 8;
  }
  return 0;
}

}  // namespace

absl::Status IdxOptions::Validate() const {
  if (image_key.empty() || label_key.empty())
    return absl::InvalidArgumentError("IdxOptions: empty component name");
  if (image_key == label_key) {
    return absl::InvalidArgumentError(
        absl::StrCat("IdxOptions: image_key and label_key are both '", image_key, "'"));
  }
  if (!AllowedDType(image_dtype) || !AllowedDType(label_dtype)) {
    return absl::InvalidArgumentError("IdxOptions: image_dtype and label_dtype must be f32, i32 or i64");
  }
  return absl::OkStatus();
}

namespace {

// A validated IDX file: the decoded bytes, with the data starting at `header`.
struct IdxFile {
  std::string bytes;
  size_t header = 0;
  int type = 0;
  graph::Shape dims;
};

absl::StatusOr<IdxFile> ParseIdx(const std::string& path) {
  absl::StatusOr<std::string> bytes = ReadFileMaybeGzip(path);
  if (!bytes.ok()) return bytes.status();
  const auto* p = reinterpret_cast<const unsigned char*>(bytes->data());
  const size_t size = bytes->size();
  if (size < 4) return absl::DataLossError(absl::StrCat("'", path, "': too short for an IDX header"));
  const int type = p[2];
  const int ndims = p[3];
  if (p[0] != 0 || p[1] != 0 || TypeSize(type) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", path, "': bad IDX magic number 0x", absl::Hex(p[0], absl::kZeroPad2),
                     absl::Hex(p[1], absl::kZeroPad2), absl::Hex(type, absl::kZeroPad2),
                     absl::Hex(ndims, absl::kZeroPad2)));
  }
  if (ndims < 1 || ndims > 5) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", path, "': IDX file has ", ndims, " dimensions (1..5 supported)"));
  }
  const size_t header = 4 + 4 * static_cast<size_t>(ndims);
  if (size < header) return absl::DataLossError(absl::StrCat("'", path, "': truncated IDX header"));
  graph::Shape shape;
  uint64_t count = 1;
  for (int d = 0; d < ndims; ++d) {
    const unsigned char* q = p + 4 + 4 * d;
    const uint64_t dim = (uint64_t{q[0]} << 24) | (uint64_t{q[1]} << 16) | (uint64_t{q[2]} << 8) | q[3];
    shape.AddDim(static_cast<int64_t>(dim));
    count *= dim;
    if (count > size) count = size + 1;  // Cannot fit; avoids overflow and fails the size check below.
  }
  const uint64_t payload = count * static_cast<uint64_t>(TypeSize(type));
  if (size - header != payload) {
    return absl::DataLossError(absl::StrCat("'", path, "': IDX dims ", shape.ToString(), " need ", payload,
                                            " bytes of data, file has ", size - header,
                                            size - header < payload ? " (truncated)" : " (trailing bytes)"));
  }
  IdxFile file;
  file.bytes = *std::move(bytes);
  file.header = header;
  file.type = type;
  file.dims = std::move(shape);
  return file;
}

// Converts `n` values of IDX type `type` at `src` into `dst` (f32, i32 or i64).
void ConvertInto(const unsigned char* src, int type, int64_t n, graph::Tensor* dst) {
  graph::DispatchDType(dst->dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>) {
      Convert<T>(src, type, n, dst->data<T>());
    }
  });
}

// Images stay in the file's encoding (a quarter of the f32 size for u8 pixels) and are converted as elements
// are read, into the caller's reused storage; labels are a tensor whose rows are handed out as views.
class IdxDataset : public DatasetBase {
 public:
  IdxDataset(std::string description, IdxFile images, graph::Shape image_shape, graph::Tensor labels,
             const IdxOptions& options)
      : description_(std::move(description)),
        images_(std::move(images)),
        image_shape_(std::move(image_shape)),
        labels_(std::move(labels)),
        options_(options),
        count_(images_.dims.dim(0)),
        values_per_image_(image_shape_.num_elements()),
        bytes_per_image_(static_cast<size_t>(values_per_image_) *
                         static_cast<size_t>(TypeSize(images_.type))) {}

  std::string Describe() const override { return description_; }
  int64_t Cardinality() const override { return count_; }
  bool RandomAccess() const override { return true; }

  absl::Status Get(int64_t index, Element* out) const override {
    if (index < 0 || index >= count_)
      return absl::OutOfRangeError(absl::StrCat(Describe(), ": no element ", index));
    graph::Tensor* image = out->ReuseAt(0, options_.image_key, options_.image_dtype, image_shape_);
    ConvertInto(Row(index), images_.type, values_per_image_, image);
    if (!labels_.IsValid()) {
      out->Truncate(1);
      return absl::OkStatus();
    }
    out->SetAt(1, options_.label_key,
               graph::Tensor(
                   labels_.dtype(), graph::Shape{}, labels_.buffer(),
                   labels_.byte_offset() + static_cast<size_t>(index) * graph::DTypeSize(labels_.dtype())));
    out->Truncate(2);
    return absl::OkStatus();
  }

  void PrefetchHint(int64_t index, int stage) const override {
    if (stage != kPrefetchStages - 1 || index < 0 || index >= count_) return;
    PrefetchBytes(Row(index), bytes_per_image_, 4096);
  }

 private:
  const unsigned char* Row(int64_t index) const {
    return reinterpret_cast<const unsigned char*>(images_.bytes.data()) + images_.header +
           static_cast<size_t>(index) * bytes_per_image_;
  }

  std::string description_;
  IdxFile images_;
  graph::Shape image_shape_;
  graph::Tensor labels_;
  IdxOptions options_;
  int64_t count_;
  int64_t values_per_image_;
  size_t bytes_per_image_;
};

}  // namespace

absl::StatusOr<graph::Tensor> ReadIdxFile(const std::string& path, graph::DType dtype) {
  if (!AllowedDType(dtype)) return absl::InvalidArgumentError("ReadIdxFile: dtype must be f32, i32 or i64");
  absl::StatusOr<IdxFile> file = ParseIdx(path);
  if (!file.ok()) return file.status();
  graph::Tensor t(dtype, file->dims);
  ConvertInto(reinterpret_cast<const unsigned char*>(file->bytes.data()) + file->header, file->type,
              file->dims.num_elements(), &t);
  return t;
}

Dataset Idx(const std::string& images_path, const std::string& labels_path, const IdxOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return Dataset::FromStatus(s);
  absl::StatusOr<IdxFile> images = ParseIdx(images_path);
  if (!images.ok()) return Dataset::FromStatus(images.status());
  graph::Shape image_shape(images->dims.dims().subspan(1));
  if (options.add_channel_dim && images->dims.rank() == 3) image_shape.AddDim(1);
  graph::Tensor labels;
  if (!labels_path.empty()) {
    absl::StatusOr<graph::Tensor> read = ReadIdxFile(labels_path, options.label_dtype);
    if (!read.ok()) return Dataset::FromStatus(read.status());
    if (read->rank() != 1) {
      return Dataset::FromStatus(absl::InvalidArgumentError(
          absl::StrCat("'", labels_path, "': labels must be 1-D, got dims ", read->shape().ToString())));
    }
    if (read->dim(0) != images->dims.dim(0)) {
      return Dataset::FromStatus(
          absl::InvalidArgumentError(absl::StrCat("'", labels_path, "' has ", read->dim(0), " labels but '",
                                                  images_path, "' has ", images->dims.dim(0), " images")));
    }
    labels = *std::move(read);
  }
  std::string description = absl::StrCat("Idx(", images_path, ",", labels_path, ",", options.image_key, ":",
                                         graph::DTypeName(options.image_dtype), image_shape.ToString(), ",",
                                         options.label_key, ":", graph::DTypeName(options.label_dtype), ")");
  return Dataset(std::make_shared<IdxDataset>(std::move(description), *std::move(images),
                                              std::move(image_shape), std::move(labels), options));
}

}  // namespace datasets
