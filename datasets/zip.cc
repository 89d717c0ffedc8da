#include "datasets/zip.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"

namespace datasets {
namespace {

// Appends the components of `part` to *out starting at component `at`; returns the new count.
int Append(const Element& part, int at, Element* out) {
  for (int c = 0; c < part.size(); ++c) out->SetAt(at + c, part.name(c), part.tensor(c));
  return at + part.size();
}

absl::Status CheckUnique(const Element& e) {
  for (int i = 0; i < e.size(); ++i) {
    for (int j = 0; j < i; ++j) {
      if (e.name(i) == e.name(j)) {
        return absl::InvalidArgumentError(
            absl::StrCat("Zip: component '", e.name(i), "' appears in two inputs"));
      }
    }
  }
  return absl::OkStatus();
}

class ZipDataset : public DatasetBase {
 public:
  explicit ZipDataset(std::vector<DatasetPtr> inputs) : inputs_(std::move(inputs)) {}
  std::string Describe() const override {
    std::string s = "Zip(";
    for (size_t i = 0; i < inputs_.size(); ++i) absl::StrAppend(&s, i > 0 ? "|" : "", inputs_[i]->Describe());
    return s + ")";
  }
  int64_t Cardinality() const override {
    int64_t result = kInfiniteCardinality;
    bool unknown = false;
    for (const DatasetPtr& d : inputs_) {
      const int64_t n = d->Cardinality();
      if (n == kUnknownCardinality) unknown = true;
      if (n >= 0) result = result < 0 ? n : std::min(result, n);
    }
    if (result >= 0) return unknown ? (result == 0 ? 0 : kUnknownCardinality) : result;
    return unknown ? kUnknownCardinality : kInfiniteCardinality;
  }
  bool RandomAccess() const override {
    for (const DatasetPtr& d : inputs_)
      if (!d->RandomAccess()) return false;
    return Cardinality() >= 0;
  }
  absl::Status Get(int64_t index, Element* out) const override {
    Element part;
    int n = 0;
    for (const DatasetPtr& d : inputs_) {
      if (absl::Status s = d->Get(index, &part); !s.ok()) return s;
      n = Append(part, n, out);
    }
    out->Truncate(n);
    return index == 0 ? CheckUnique(*out) : absl::OkStatus();
  }
  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override {
    std::vector<std::unique_ptr<IteratorBase>> its;
    for (const DatasetPtr& d : inputs_) {
      absl::StatusOr<std::unique_ptr<IteratorBase>> it = d->MakeIterator(ctx);
      if (!it.ok()) return it.status();
      its.push_back(*std::move(it));
    }
    return std::unique_ptr<IteratorBase>(new Iter(std::move(its)));
  }

 private:
  class Iter : public IteratorBase {
   public:
    explicit Iter(std::vector<std::unique_ptr<IteratorBase>> inputs)
        : inputs_(std::move(inputs)), parts_(inputs_.size()) {}
    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      int n = 0;
      for (size_t i = 0; i < inputs_.size(); ++i) {
        if (absl::Status s = inputs_[i]->GetNext(&parts_[i], end_of_sequence); !s.ok() || *end_of_sequence)
          return s;
        n = Append(parts_[i], n, out);
      }
      out->Truncate(n);
      if (!checked_) {
        checked_ = true;
        return CheckUnique(*out);
      }
      return absl::OkStatus();
    }
    absl::Status Skip(int64_t n, int64_t* skipped) override {
      *skipped = n;
      for (auto& it : inputs_) {
        int64_t got = 0;
        if (absl::Status s = it->Skip(n, &got); !s.ok()) return s;
        *skipped = std::min(*skipped, got);
      }
      return absl::OkStatus();
    }

   private:
    std::vector<std::unique_ptr<IteratorBase>> inputs_;
    std::vector<Element> parts_;
    bool checked_ = false;
  };

  std::vector<DatasetPtr> inputs_;
};

}  // namespace

absl::StatusOr<DatasetPtr> MakeZipDataset(std::vector<DatasetPtr> inputs) {
  if (inputs.empty()) return absl::InvalidArgumentError("Zip: no inputs");
  return DatasetPtr(std::make_shared<ZipDataset>(std::move(inputs)));
}

}  // namespace datasets
