// IDX files (the MNIST / Fashion-MNIST format), raw or gzip-compressed.
#ifndef DATASETS_IDX_H_
#define DATASETS_IDX_H_

#include <string>

#include "absl/status/statusor.h"
#include "datasets/dataset.h"
#include "graph/tensor.h"

namespace datasets {

struct IdxOptions {
  // Component names of the elements.
  std::string image_key = "image";
  std::string label_key = "label";
  // Append a channel dimension of 1 to 3-D image files: [n,28,28] gives elements [28,28,1].
  bool add_channel_dim = true;
  // Element types: values are converted, not scaled (u8 pixels become 0..255). kFloat32, kInt32 or kInt64.
  graph::DType image_dtype = graph::DType::kFloat32;
  graph::DType label_dtype = graph::DType::kInt64;

  absl::Status Validate() const;
};

// Reads a whole IDX file into a tensor of `dtype` with the file's dims. Checks the magic number (two zero
// bytes, a known type code: u8, i8, i16, i32, f32, f64), the dimension count and that the data size matches
// the dims exactly. Errors name the path. Thread-safe.
absl::StatusOr<graph::Tensor> ReadIdxFile(const std::string& path, graph::DType dtype);

// Elements {image_key: image i, label_key: label i}, read (and gunzipped) when called. `labels_path` may be
// empty for images only; otherwise the labels file must be 1-D with as many entries as there are images.
// Errors (missing file, wrong magic or size, count mismatch) are held by the returned Dataset. Random-access.
// Images are kept in the file's encoding and converted to image_dtype as each element is produced (into the
// caller's storage when it can be reused); labels are views of one tensor.
Dataset Idx(const std::string& images_path, const std::string& labels_path, const IdxOptions& options = {});

}  // namespace datasets

#endif  // DATASETS_IDX_H_
