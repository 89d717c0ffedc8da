// SplitExamples: one batch of named tensors into per-example rows.
#include "estimator/prediction_rows.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace estimator {
namespace {

using graph::Tensor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(SplitExamplesTest, RowsInOrderAndBatchDimChecked) {
  const std::vector<std::string> names = {"class", "scores"};
  const std::vector<Tensor> values = {Tensor::Of<int64_t>({4, 7}, {2}),
                                      Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {2, 3})};
  auto examples = SplitExamples(names, values, 2);
  ASSERT_TRUE(examples.ok()) << examples.status();
  ASSERT_EQ(examples->size(), 2u);
  EXPECT_EQ((*examples)[0].at("class").shape(), graph::Shape({}));
  EXPECT_EQ((*examples)[0].at("class").data<int64_t>()[0], 4);
  EXPECT_EQ((*examples)[1].at("class").data<int64_t>()[0], 7);
  EXPECT_EQ((*examples)[1].at("scores").shape(), graph::Shape({3}));
  EXPECT_THAT((*examples)[0].at("scores").ToVector<float>(), ElementsAre(1, 2, 3));
  EXPECT_THAT((*examples)[1].at("scores").ToVector<float>(), ElementsAre(4, 5, 6));

  auto wrong = SplitExamples(names, values, 3, "prediction");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong.status().message(),
              HasSubstr("prediction 'class' has shape [2]; it needs the batch dim 3"));
  const std::vector<Tensor> scalar = {Tensor::Scalar(1.0f)};
  EXPECT_THAT(SplitExamples({"loss"}, scalar, 1).status().message(),
              HasSubstr("output 'loss' has shape []; it needs the batch dim 1"));
  EXPECT_THAT(SplitExamples(names, scalar, 1).status().message(), HasSubstr("1 tensors for 2 names"));
}

}  // namespace
}  // namespace estimator
