#include "datasets/generator.h"

#include <memory>

namespace datasets {
namespace {

class GeneratorDataset : public DatasetBase {
 public:
  explicit GeneratorDataset(GeneratorFn fn) : fn_(std::move(fn)) {}
  std::string Describe() const override { return "Generator"; }
  int64_t Cardinality() const override { return kUnknownCardinality; }

  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& /*ctx*/) const override {
    return std::unique_ptr<IteratorBase>(new Iter(this));
  }

 private:
  class Iter : public IteratorBase {
   public:
    explicit Iter(const GeneratorDataset* d) : d_(d) {}
    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      if (done_) {
        *end_of_sequence = true;
        return absl::OkStatus();
      }
      *end_of_sequence = false;
      absl::Status s = d_->fn_(index_, out, end_of_sequence);
      if (!s.ok()) return s;
      if (*end_of_sequence) {
        done_ = true;
      } else {
        ++index_;
      }
      return absl::OkStatus();
    }

   private:
    const GeneratorDataset* d_;
    int64_t index_ = 0;
    bool done_ = false;
  };

  GeneratorFn fn_;
};

}  // namespace

Dataset FromGenerator(GeneratorFn fn) {
  if (!fn) return Dataset::FromStatus(absl::InvalidArgumentError("FromGenerator: null function"));
  return Dataset(std::make_shared<GeneratorDataset>(std::move(fn)));
}

}  // namespace datasets
