#include "datasets/enumerate.h"

#include <memory>

#include "absl/strings/str_cat.h"

namespace datasets {
namespace {

// *out = `in` plus component `name` = value.
absl::Status AddIndex(const Element& in, const std::string& name, int64_t value, Element* out) {
  const int n = in.size();
  for (int c = 0; c < n; ++c) {
    if (in.name(c) == name) {
      return absl::InvalidArgumentError(
          absl::StrCat("Enumerate: the input already has a component '", name, "'"));
    }
    out->SetAt(c, in.name(c), in.tensor(c));
  }
  *out->ReuseAt(n, name, graph::DType::kInt64, graph::Shape{})->data<int64_t>() = value;
  out->Truncate(n + 1);
  return absl::OkStatus();
}

class EnumerateDataset : public DatasetBase {
 public:
  EnumerateDataset(DatasetPtr input, int64_t start, std::string name)
      : input_(std::move(input)), start_(start), name_(std::move(name)) {}
  std::string Describe() const override {
    return absl::StrCat("Enumerate(", start_, ",", name_, ")<", input_->Describe());
  }
  int64_t Cardinality() const override { return input_->Cardinality(); }
  bool RandomAccess() const override { return input_->RandomAccess(); }
  absl::Status Get(int64_t index, Element* out) const override {
    Element in;
    if (absl::Status s = input_->Get(index, &in); !s.ok()) return s;
    return AddIndex(in, name_, start_ + index, out);
  }
  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override {
    absl::StatusOr<std::unique_ptr<IteratorBase>> input = input_->MakeIterator(ctx);
    if (!input.ok()) return input.status();
    return std::unique_ptr<IteratorBase>(new Iter(this, *std::move(input)));
  }

 private:
  class Iter : public IteratorBase {
   public:
    Iter(const EnumerateDataset* d, std::unique_ptr<IteratorBase> input) : d_(d), input_(std::move(input)) {}
    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      if (absl::Status s = input_->GetNext(&in_, end_of_sequence); !s.ok() || *end_of_sequence) return s;
      return AddIndex(in_, d_->name_, d_->start_ + next_++, out);
    }
    absl::Status Skip(int64_t n, int64_t* skipped) override {
      absl::Status s = input_->Skip(n, skipped);
      next_ += *skipped;
      return s;
    }

   private:
    const EnumerateDataset* d_;
    std::unique_ptr<IteratorBase> input_;
    Element in_;
    int64_t next_ = 0;
  };

  DatasetPtr input_;
  int64_t start_;
  std::string name_;
};

}  // namespace

absl::StatusOr<DatasetPtr> MakeEnumerateDataset(DatasetPtr input, int64_t start, const std::string& name) {
  if (name.empty()) return absl::InvalidArgumentError("Enumerate: empty component name");
  return DatasetPtr(std::make_shared<EnumerateDataset>(std::move(input), start, name));
}

}  // namespace datasets
