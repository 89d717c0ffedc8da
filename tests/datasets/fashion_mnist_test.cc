// The real Fashion-MNIST test set from the Debian package, when installed. Expected values were computed
// independently (Python's gzip module over the same files).
#include <filesystem>
#include <vector>

#include "datasets/idx.h"
#include "gtest/gtest.h"
#include "tests/datasets/test_util.h"

namespace datasets {
namespace {

constexpr char kImages[] = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
constexpr char kLabels[] = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";

TEST(FashionMnistTest, TestSetValues) {
  if (!std::filesystem::exists(kImages) || !std::filesystem::exists(kLabels)) {
    GTEST_SKIP() << "Fashion-MNIST files not installed";
  }
  Dataset d = Idx(kImages, kLabels);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d.Cardinality(), 10000);
  absl::StatusOr<Iterator> it = d.Batch(10000).MakeIterator();
  ASSERT_TRUE(it.ok());
  Element all;
  bool end = false;
  ASSERT_TRUE(it->GetNext(&all, &end).ok());
  const graph::Tensor& images = all["image"];
  const graph::Tensor& labels = all["label"];
  EXPECT_EQ(images.shape(), graph::Shape({10000, 28, 28, 1}));
  std::vector<int64_t> l = labels.ToVector<int64_t>();
  EXPECT_EQ(std::vector<int64_t>(l.begin(), l.begin() + 10),
            (std::vector<int64_t>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}));
  std::vector<int> counts(10, 0);
  for (int64_t v : l) ++counts[static_cast<size_t>(v)];
  EXPECT_EQ(counts, std::vector<int>(10, 1000));
  const float* px = images.data<float>();
  double first = 0, total = 0;
  for (int64_t i = 0; i < 784; ++i) first += px[i];
  for (int64_t i = 0; i < images.num_elements(); ++i) total += px[i];
  EXPECT_EQ(first, 33456);
  EXPECT_EQ(total, 573469082);
  EXPECT_EQ(px[14 * 28 + 12], 98);
  EXPECT_EQ(px[14 * 28 + 15], 109);
}

}  // namespace
}  // namespace datasets
