#include "graph/tensor.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace graph {
namespace {

TEST(ShapeTest, UnknownDimsAndElementCount) {
  Shape s{Shape::kUnknownDim, 784};
  EXPECT_EQ(s.rank(), 2);
  EXPECT_FALSE(s.IsFullyDefined());
  EXPECT_EQ(s.num_elements(), -1);
  EXPECT_EQ(s.ToString(), "[?,784]");
  EXPECT_TRUE(s.IsCompatibleWith(Shape{128, 784}));
  EXPECT_FALSE(s.IsCompatibleWith(Shape{128, 785}));
  EXPECT_FALSE(s.IsCompatibleWith(Shape{784}));
  EXPECT_EQ(Shape{}.num_elements(), 1);
  EXPECT_EQ(Shape{}.ToString(), "[]");
  EXPECT_EQ((Shape{2, 0, 3}).num_elements(), 0);
}

TEST(TensorTest, StorageIsAlignedZeroedAndShared) {
  Tensor t(DType::kFloat32, Shape{3, 5});
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.raw_data()) % 64, 0u);
  EXPECT_EQ(t.nbytes(), 60u);
  for (float v : t.flat<float>()) EXPECT_EQ(v, 0.0f);
  Tensor view = t;  // shallow copy
  view.data<float>()[4] = 7.0f;
  EXPECT_EQ(t.data<float>()[4], 7.0f);
  EXPECT_TRUE(view.SharesBufferWith(t));
  EXPECT_FALSE(t.OwnsBufferAlone());
  Tensor deep = t.Clone();
  deep.data<float>()[4] = 1.0f;
  EXPECT_EQ(t.data<float>()[4], 7.0f);
  EXPECT_TRUE(deep.OwnsBufferAlone());
}

TEST(TensorTest, FromVectorChecksElementCount) {
  std::vector<int64_t> v = {1, 2, 3};
  auto bad = Tensor::FromVector<int64_t>(v, Shape{2, 2});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("3 values do not fill shape [2,2]"), std::string::npos);
  auto good = Tensor::FromVector<int64_t>(v, Shape{3});
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->dtype(), DType::kInt64);
  EXPECT_EQ(good->ToVector<int64_t>(), v);
}

TEST(TensorTest, ReshapedSharesStorageAndRejectsWrongCount) {
  Tensor t = Tensor::Of<int32_t>({1, 2, 3, 4, 5, 6}, {2, 3});
  auto r = t.Reshaped(Shape{3, 2});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->SharesBufferWith(t));
  EXPECT_EQ(r->data<int32_t>()[5], 6);
  EXPECT_FALSE(t.Reshaped(Shape{4}).ok());
}

TEST(TensorTest, BFloat16RoundsToNearestEven) {
  EXPECT_EQ(static_cast<float>(bfloat16(1.0f)), 1.0f);
  EXPECT_EQ(static_cast<float>(bfloat16(-2.5f)), -2.5f);
  // 1 + 2^-8 lies exactly between two bf16 values (1 and 1 + 2^-7): ties go to the even mantissa, 1.
  EXPECT_EQ(static_cast<float>(bfloat16(1.0f + 1.0f / 256)), 1.0f);
  // 1 + 3*2^-8 is a tie between 1+2^-7 and 1+2^-6: rounds to the even one, 1 + 2^-6.
  EXPECT_EQ(static_cast<float>(bfloat16(1.0f + 3.0f / 256)), 1.0f + 1.0f / 64);
  Tensor b = Tensor::Scalar(bfloat16(3.0f));
  EXPECT_EQ(b.dtype(), DType::kBFloat16);
  EXPECT_EQ(b.ElementAsDouble(0), 3.0);
}

TEST(TensorTest, DebugStringAndEquality) {
  Tensor t = Tensor::Of<float>({1, 2, 3}, {3});
  EXPECT_EQ(t.DebugString(), "f32[3] {1, 2, 3}");
  EXPECT_EQ(t.DebugString(2), "f32[3] {1, 2, ...}");
  EXPECT_TRUE(TensorsEqual(t, t.Clone()));
  EXPECT_FALSE(TensorsEqual(t, Tensor::Of<float>({1, 2, 4}, {3})));
  EXPECT_FALSE(TensorsEqual(t, Tensor::Of<float>({1, 2, 3}, {3, 1})));
}

}  // namespace
}  // namespace graph
