#include "datasets/concatenate.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace datasets {
namespace {

class ConcatenateDataset : public DatasetBase {
 public:
  ConcatenateDataset(DatasetPtr first, DatasetPtr second)
      : first_(std::move(first)), second_(std::move(second)) {}
  std::string Describe() const override {
    return absl::StrCat("Concatenate(", first_->Describe(), "|", second_->Describe(), ")");
  }
  int64_t Cardinality() const override {
    const int64_t a = first_->Cardinality(), b = second_->Cardinality();
    if (a == kInfiniteCardinality || b == kInfiniteCardinality) return kInfiniteCardinality;
    if (a < 0 || b < 0) return kUnknownCardinality;
    return a + b;
  }
  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override {
    absl::StatusOr<std::unique_ptr<IteratorBase>> a = first_->MakeIterator(ctx);
    if (!a.ok()) return a.status();
    return std::unique_ptr<IteratorBase>(new Iter(this, ctx, *std::move(a)));
  }

 private:
  class Iter : public IteratorBase {
   public:
    Iter(const ConcatenateDataset* d, const IteratorContext& ctx, std::unique_ptr<IteratorBase> first)
        : d_(d), ctx_(ctx), current_(std::move(first)) {}
    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      while (true) {
        if (current_ == nullptr) {
          *end_of_sequence = true;
          return absl::OkStatus();
        }
        if (absl::Status s = current_->GetNext(out, end_of_sequence); !s.ok()) return s;
        if (!*end_of_sequence) return CheckStructure(*out);
        if (absl::Status s = Advance(); !s.ok()) return s;
      }
    }
    absl::Status Skip(int64_t n, int64_t* skipped) override {
      *skipped = 0;
      while (current_ != nullptr && *skipped < n) {
        int64_t got = 0;
        if (absl::Status s = current_->Skip(n - *skipped, &got); !s.ok()) return s;
        *skipped += got;
        if (*skipped < n) {
          if (absl::Status s = Advance(); !s.ok()) return s;
        }
      }
      return absl::OkStatus();
    }

   private:
    absl::Status Advance() {
      current_.reset();
      if (in_second_) return absl::OkStatus();
      in_second_ = true;
      absl::StatusOr<std::unique_ptr<IteratorBase>> b = d_->second_->MakeIterator(ctx_);
      if (!b.ok()) return b.status();
      current_ = *std::move(b);
      return absl::OkStatus();
    }

    // Remembers the structure of the first element; elements of the second input must match it.
    absl::Status CheckStructure(const Element& e) {
      if (!in_second_) {
        if (names_.empty() && e.size() > 0) Remember(e);
        return absl::OkStatus();
      }
      if (names_.empty()) {
        Remember(e);
        return absl::OkStatus();
      }
      bool same = static_cast<size_t>(e.size()) == names_.size();
      for (int c = 0; same && c < e.size(); ++c) {
        same = e.name(c) == names_[static_cast<size_t>(c)] &&
               e.tensor(c).dtype() == dtypes_[static_cast<size_t>(c)];
      }
      if (!same) {
        return absl::InvalidArgumentError(absl::StrCat("Concatenate: an element of the second input ",
                                                       e.DebugString(2),
                                                       " does not match the structure of the first input"));
      }
      return absl::OkStatus();
    }
    void Remember(const Element& e) {
      for (int c = 0; c < e.size(); ++c) {
        names_.push_back(e.name(c));
        dtypes_.push_back(e.tensor(c).dtype());
      }
    }

    const ConcatenateDataset* d_;
    IteratorContext ctx_;
    std::unique_ptr<IteratorBase> current_;
    bool in_second_ = false;
    std::vector<std::string> names_;
    std::vector<graph::DType> dtypes_;
  };

  DatasetPtr first_, second_;
};

}  // namespace

absl::StatusOr<DatasetPtr> MakeConcatenateDataset(DatasetPtr first, DatasetPtr second) {
  return DatasetPtr(std::make_shared<ConcatenateDataset>(std::move(first), std::move(second)));
}

}  // namespace datasets
