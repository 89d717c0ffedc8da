#include "metrics/metric.h"

#include <cmath>

#include "gtest/gtest.h"
#include "metrics/accuracy.h"
#include "metrics/auc.h"
#include "metrics/state_codec.h"
#include "tests/metrics/metric_test_util.h"

namespace metrics {
namespace {

using test_util::F32;
using test_util::I32;

TEST(MetricResultTest, FindFlattenAndTensor) {
  MetricResult r{
      0.5,
      {MetricArray{"confusion_matrix", {2, 2}, {1, 2, 3, 4}}, MetricArray{"per_class", {2}, {0.25, 0.75}}}};
  ASSERT_NE(r.Find("per_class"), nullptr);
  EXPECT_EQ(r.Find("missing"), nullptr);
  const auto flat = r.Flatten("eval/cm");
  ASSERT_EQ(flat.size(), 7u);
  EXPECT_EQ(flat[0], (std::pair<std::string, double>("eval/cm", 0.5)));
  EXPECT_EQ(flat[2], (std::pair<std::string, double>("eval/cm/confusion_matrix/0_1", 2.0)));
  EXPECT_EQ(flat[4], (std::pair<std::string, double>("eval/cm/confusion_matrix/1_1", 4.0)));
  EXPECT_EQ(flat[6], (std::pair<std::string, double>("eval/cm/per_class/1", 0.75)));
  const graph::Tensor t = r.arrays[0].ToTensor();
  EXPECT_EQ(t.shape(), (graph::Shape{2, 2}));
  EXPECT_EQ(t.ToVector<float>(), (std::vector<float>{1, 2, 3, 4}));
}

TEST(StateCodecTest, RoundTripAndTruncation) {
  StateWriter w;
  w.PutU8(7);
  w.PutI64(-3);
  w.PutF64(0.1);
  w.PutF32(2.5f);
  w.PutString("abc");
  w.PutF64s({1.5, -2.0});
  const std::string bytes = w.Release();
  StateReader r(bytes, "ctx");
  uint8_t u8;
  int64_t i64;
  double f64;
  float f32;
  std::string s;
  std::vector<double> v;
  ASSERT_TRUE(r.GetU8("a", &u8).ok());
  ASSERT_TRUE(r.GetI64("b", &i64).ok());
  ASSERT_TRUE(r.GetF64("c", &f64).ok());
  ASSERT_TRUE(r.GetF32("d", &f32).ok());
  ASSERT_TRUE(r.GetString("e", &s).ok());
  ASSERT_TRUE(r.GetF64s("f", 2, &v).ok());
  EXPECT_TRUE(r.ExpectEnd().ok());
  EXPECT_EQ(u8, 7);
  EXPECT_EQ(i64, -3);
  EXPECT_EQ(f64, 0.1);
  EXPECT_EQ(f32, 2.5f);
  EXPECT_EQ(s, "abc");
  EXPECT_EQ(v, (std::vector<double>{1.5, -2.0}));
  StateReader short_reader(std::string_view(bytes).substr(0, 5), "ctx");
  EXPECT_TRUE(short_reader.GetU8("a", &u8).ok());
  absl::Status st = short_reader.GetI64("b", &i64);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("truncated while reading b"), absl::string_view::npos) << st;
  StateReader wrong_size(std::string_view(bytes).substr(bytes.size() - 24), "ctx");
  EXPECT_FALSE(wrong_size.GetF64s("f", 3, &v).ok());
  EXPECT_EQ(ExactDouble(0.1), "0.10000000000000001");
  EXPECT_EQ(Fnv1a64(""), 14695981039346656037ull);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
}

TEST(MetricTest, StateDependsOnOptionsAndKind) {
  Accuracy binary(AccuracyOptions{.mode = AccuracyMode::kBinary}), auto_mode;
  ASSERT_TRUE(binary.Update(F32({0.9f, 0.2f}), I32({1, 1})).ok());
  absl::Status s = auto_mode.RestoreState(binary.SaveState());
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("mode=binary"), absl::string_view::npos) << s;
  s = auto_mode.Merge(binary);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("different options"), absl::string_view::npos) << s;
  EXPECT_TRUE(std::isnan(auto_mode.Result().value));
  // Names do not matter for compatibility.
  Accuracy named(AccuracyOptions{.name = "train_acc", .mode = AccuracyMode::kBinary});
  ASSERT_TRUE(named.RestoreState(binary.SaveState()).ok());
  EXPECT_DOUBLE_EQ(named.Result().value, 0.5);
  ASSERT_TRUE(named.Merge(binary).ok());
  EXPECT_DOUBLE_EQ(named.Result().value, 0.5);
  EXPECT_FALSE(named.RestoreState("garbage!garbage!").ok());
  EXPECT_DOUBLE_EQ(named.Result().value, 0.5);
}

TEST(MetricTest, AcceptsBf16ScoresAndBoolOrI64Labels) {
  graph::Tensor bf16(graph::DType::kBFloat16, graph::Shape{4});
  const float values[] = {0.1f, 0.4f, 0.375f, 0.75f};  // exactly representable in bf16
  for (int i = 0; i < 4; ++i) bf16.data<graph::bfloat16>()[i] = graph::bfloat16(values[i]);
  graph::Tensor labels(graph::DType::kBool, graph::Shape{4});
  labels.data<bool>()[2] = labels.data<bool>()[3] = true;
  Auc auc;
  ASSERT_TRUE(auc.Update(bf16, labels).ok());
  EXPECT_DOUBLE_EQ(auc.Result().value, 0.75);
  Accuracy acc(AccuracyOptions{.mode = AccuracyMode::kBinary});
  ASSERT_TRUE(acc.Update(bf16, test_util::I64({0, 0, 0, 1})).ok());
  EXPECT_DOUBLE_EQ(acc.Result().value, 1.0);
  // A bool tensor is not a score tensor.
  EXPECT_FALSE(auc.Update(labels, labels).ok());
}

}  // namespace
}  // namespace metrics
