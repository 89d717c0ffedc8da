#include "datasets/filter.h"

#include <memory>

#include "absl/strings/str_cat.h"

namespace datasets {
namespace {

class FilterDataset : public DatasetBase {
 public:
  FilterDataset(DatasetPtr input, FilterFn predicate)
      : input_(std::move(input)), predicate_(std::move(predicate)) {}
  std::string Describe() const override { return absl::StrCat("Filter<", input_->Describe()); }
  int64_t Cardinality() const override {
    return input_->Cardinality() == kInfiniteCardinality ? kInfiniteCardinality : kUnknownCardinality;
  }

  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override {
    absl::StatusOr<std::unique_ptr<IteratorBase>> input = input_->MakeIterator(ctx);
    if (!input.ok()) return input.status();
    return std::unique_ptr<IteratorBase>(new Iter(this, *std::move(input)));
  }

 private:
  class Iter : public IteratorBase {
   public:
    Iter(const FilterDataset* d, std::unique_ptr<IteratorBase> input) : d_(d), input_(std::move(input)) {}
    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      while (true) {
        if (absl::Status s = input_->GetNext(out, end_of_sequence); !s.ok() || *end_of_sequence) return s;
        absl::StatusOr<bool> keep = d_->predicate_(*out);
        if (!keep.ok()) {
          return absl::Status(keep.status().code(), absl::StrCat("Filter predicate failed on input element ",
                                                                 index_, ": ", keep.status().message()));
        }
        ++index_;
        if (*keep) return absl::OkStatus();
      }
    }

   private:
    const FilterDataset* d_;
    std::unique_ptr<IteratorBase> input_;
    int64_t index_ = 0;
  };

  DatasetPtr input_;
  FilterFn predicate_;
};

}  // namespace

absl::StatusOr<DatasetPtr> MakeFilterDataset(DatasetPtr input, FilterFn predicate) {
  if (!predicate) return absl::InvalidArgumentError("Filter: null predicate");
  return DatasetPtr(std::make_shared<FilterDataset>(std::move(input), std::move(predicate)));
}

}  // namespace datasets
