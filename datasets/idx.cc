#include "datasets/idx.h"

#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "datasets/file_reader.h"
#include "datasets/tensor_slices.h"

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
  if (image_key.empty() || label_key.empty()) return absl::InvalidArgumentError("IdxOptions: empty component name");
  if (image_key == label_key) {
    return absl::InvalidArgumentError(absl::StrCat("IdxOptions: image_key and label_key are both '", image_key, "'"));
  }
  if (!AllowedDType(image_dtype) || !AllowedDType(label_dtype)) {
    return absl::InvalidArgumentError("IdxOptions: image_dtype and label_dtype must be f32, i32 or i64");
  }
  return absl::OkStatus();
}

absl::StatusOr<graph::Tensor> ReadIdxFile(const std::string& path, graph::DType dtype) {
  if (!AllowedDType(dtype)) return absl::InvalidArgumentError("ReadIdxFile: dtype must be f32, i32 or i64");
  absl::StatusOr<std::string> bytes = ReadFileMaybeGzip(path);
  if (!bytes.ok()) return bytes.status();
  const auto* p = reinterpret_cast<const unsigned char*>(bytes->data());
  const size_t size = bytes->size();
  if (size < 4) return absl::DataLossError(absl::StrCat("'", path, "': too short for an IDX header"));
  const int type = p[2];
  const int ndims = p[3];
  if (p[0] != 0 || p[1] != 0 || TypeSize(type) == 0) {
    return absl::InvalidArgumentError(absl::StrCat("'", path, "': bad IDX magic number 0x", absl::Hex(p[0], absl::kZeroPad2),
                                                   absl::Hex(p[1], absl::kZeroPad2), absl::Hex(type, absl::kZeroPad2),
                                                   absl::Hex(ndims, absl::kZeroPad2)));
  }
  if (ndims < 1 || ndims > 5) {
    return absl::InvalidArgumentError(absl::StrCat("'", path, "': IDX file has ", ndims, " dimensions (1..5 supported)"));
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
  graph::Tensor t(dtype, shape);
  const int64_t n = shape.num_elements();
  graph::DispatchDType(dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>) {
      Convert<T>(p + header, type, n, t.data<T>());
    }
  });
  return t;
}

Dataset Idx(const std::string& images_path, const std::string& labels_path, const IdxOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return Dataset::FromStatus(s);
  absl::StatusOr<graph::Tensor> images = ReadIdxFile(images_path, options.image_dtype);
  if (!images.ok()) return Dataset::FromStatus(images.status());
  if (options.add_channel_dim && images->rank() == 3) {
    graph::Shape s = images->shape();
    s.AddDim(1);
    images = images->Reshaped(s);
  }
  Element e;
  e.Set(options.image_key, *images);
  if (!labels_path.empty()) {
    absl::StatusOr<graph::Tensor> labels = ReadIdxFile(labels_path, options.label_dtype);
    if (!labels.ok()) return Dataset::FromStatus(labels.status());
    if (labels->rank() != 1) {
      return Dataset::FromStatus(absl::InvalidArgumentError(
          absl::StrCat("'", labels_path, "': labels must be 1-D, got dims ", labels->shape().ToString())));
    }
    if (labels->dim(0) != images->dim(0)) {
      return Dataset::FromStatus(absl::InvalidArgumentError(
          absl::StrCat("'", labels_path, "' has ", labels->dim(0), " labels but '", images_path, "' has ",
                       images->dim(0), " images")));
    }
    e.Set(options.label_key, *labels);
  }
  return FromTensorSlices(e);
}

}  // namespace datasets
