// Map: applies a function to every element, optionally on worker threads, keeping the input order.
#ifndef DATASETS_MAP_H_
#define DATASETS_MAP_H_

#include <functional>

#include "datasets/dataset_base.h"

namespace datasets {

// Computes *out from `in`. *out holds whatever this call slot produced before (possibly nothing): a function
// may reuse its storage through Element::Reuse() to avoid allocating, and must set every component it wants
// in the result (use out->Truncate(0) or Clear() first if the set of names varies). `in` must not be modified
// (its tensors may be views of a source's storage). A non-OK status fails the pipeline at this element. May
// be called concurrently from several threads when num_parallel_calls > 1 or when several iterators run.
using MapFn = std::function<absl::Status(const Element& in, Element* out)>;

struct MapOptions {
  // Elements computed concurrently by worker threads; 1 = on the caller's thread. Output order is always the
  // input order.
  int num_parallel_calls = 1;

  absl::Status Validate() const;
};

// Random-access when `input` is.
absl::StatusOr<DatasetPtr> MakeMapDataset(DatasetPtr input, MapFn fn, const MapOptions& options);

}  // namespace datasets

#endif  // DATASETS_MAP_H_
