// Transformations: values, order, cardinality and argument validation.
#include <algorithm>
#include <atomic>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "datasets/datasets.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/datasets/test_util.h"

namespace datasets {
namespace {

using ::datasets::testing::Collect;
using ::datasets::testing::CollectInts;
using ::datasets::testing::FirstError;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

int64_t Value(const Element& e, const std::string& name = "value") {
  return static_cast<int64_t>(e[name].ElementAsDouble(0));
}

// value -> value * k, reusing the output's storage.
MapFn Times(int64_t k, const std::string& out_name = "value") {
  return [k, out_name](const Element& in, Element* out) {
    *out->ReuseAt(0, out_name, graph::DType::kInt64, graph::Shape{})->data<int64_t>() = Value(in) * k;
    out->Truncate(1);
    return absl::OkStatus();
  };
}

FilterFn KeepAll() {
  return [](const Element&) -> absl::StatusOr<bool> { return true; };
}

std::vector<int64_t> Iota(int64_t n, int64_t start = 0) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), start);
  return v;
}

TEST(MapTest, AppliesFunctionInOrder) {
  EXPECT_THAT(CollectInts(Range(5).Map(Times(10))), ElementsAre(0, 10, 20, 30, 40));
  EXPECT_EQ(Range(5).Map(Times(10)).Cardinality(), 5);
  // Parallel: same values, same order.
  std::vector<int64_t> expected;
  for (int64_t i = 0; i < 200; ++i) expected.push_back(3 * i);
  EXPECT_EQ(CollectInts(Range(200).Map(Times(3), 4)), expected);
  EXPECT_EQ(CollectInts(Range(200).Filter(KeepAll()).Map(Times(3), 3)), expected);
}

TEST(MapTest, ErrorsAndValidation) {
  MapFn fail_at_3 = [](const Element& in, Element* out) {
    if (Value(in) == 3) return absl::InvalidArgumentError("bad value 3");
    *out = in;
    return absl::OkStatus();
  };
  for (int threads : {1, 2}) {
    absl::StatusOr<Iterator> it = Range(10).Map(fail_at_3, threads).MakeIterator();
    ASSERT_TRUE(it.ok());
    Element e;
    bool end = false;
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(it->GetNext(&e, &end).ok());
      EXPECT_EQ(Value(e), i);
    }
    absl::Status s = it->GetNext(&e, &end);
    EXPECT_THAT(s.message(), HasSubstr("Map function failed on element 3: bad value 3")) << threads;
    EXPECT_EQ(it->GetNext(&e, &end), s);  // Errors are sticky.
  }
  EXPECT_THAT(Range(3).Map(Times(1), 0).status().message(), HasSubstr("num_parallel_calls"));
  EXPECT_FALSE(Range(3).Map(nullptr).ok());
}

TEST(FilterTest, KeepsMatching) {
  FilterFn even = [](const Element& e) -> absl::StatusOr<bool> { return Value(e) % 2 == 0; };
  Dataset d = Range(10).Filter(even);
  EXPECT_THAT(CollectInts(d), ElementsAre(0, 2, 4, 6, 8));
  EXPECT_EQ(d.Cardinality(), kUnknownCardinality);
  FilterFn failing = [](const Element& e) -> absl::StatusOr<bool> {
    if (Value(e) == 4) return absl::InternalError("boom");
    return true;
  };
  EXPECT_THAT(FirstError(Range(10).Filter(failing)).message(), HasSubstr("element 4: boom"));
}

TEST(ShuffleTest, SeededPermutationIsReproducible) {
  std::vector<int64_t> a = CollectInts(Range(20).Shuffle(20, 42));
  std::vector<int64_t> b = CollectInts(Range(20).Shuffle(20, 42));
  std::vector<int64_t> c = CollectInts(Range(20).Shuffle(20, 43));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, Iota(20));
  std::vector<int64_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, Iota(20));
  // The order for seed 42 is fixed forever: runs, compilers and machines agree.
  EXPECT_THAT(CollectInts(Range(10).Shuffle(10, 42)), ElementsAre(2, 0, 5, 6, 3, 4, 9, 7, 8, 1));
}

TEST(ShuffleTest, ReshufflesEachRepetitionUnlessDisabled) {
  std::vector<int64_t> v = CollectInts(Range(10).Shuffle(10, 7).Repeat(3));
  ASSERT_EQ(v.size(), 30u);
  std::vector<int64_t> e0(v.begin(), v.begin() + 10), e1(v.begin() + 10, v.begin() + 20);
  EXPECT_NE(e0, e1);
  std::sort(e1.begin(), e1.end());
  EXPECT_EQ(e1, Iota(10));
  EXPECT_EQ(e0, CollectInts(Range(10).Shuffle(10, 7)));  // The first repetition is the plain shuffle.
  std::vector<int64_t> same =
      CollectInts(Range(10).Shuffle(10, 7, /*reshuffle_each_iteration=*/false).Repeat(2));
  EXPECT_EQ(std::vector<int64_t>(same.begin(), same.begin() + 10),
            std::vector<int64_t>(same.begin() + 10, same.end()));
}

TEST(ShuffleTest, BufferSemanticsForStreamingInput) {
  // A buffer of 3 can only emit, at output position i, an input element with index < i + 3.
  Dataset d = Range(50).Filter(KeepAll()).Shuffle(3, 9);
  std::vector<int64_t> v = CollectInts(d);
  ASSERT_EQ(v.size(), 50u);
  for (size_t i = 0; i < v.size(); ++i) EXPECT_LT(v[i], static_cast<int64_t>(i) + 3) << i;
  std::vector<int64_t> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, Iota(50));
  EXPECT_NE(v, Iota(50));
  EXPECT_EQ(v, CollectInts(d));
  // Buffer of 1 keeps the order.
  EXPECT_EQ(CollectInts(Range(10).Filter(KeepAll()).Shuffle(1, 9)), Iota(10));
  EXPECT_THAT(Range(3).Shuffle(0).status().message(), HasSubstr("buffer_size must be > 0"));
}

TEST(BatchTest, StacksAndHandlesRemainder) {
  graph::Tensor x = graph::Tensor::Of<float>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {5, 2});
  std::vector<Element> b = Collect(FromTensorSlices(Element{{"x", x}}).Batch(2));
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0]["x"].shape(), graph::Shape({2, 2}));
  EXPECT_EQ(b[1]["x"].ToVector<float>(), (std::vector<float>{4, 5, 6, 7}));
  EXPECT_EQ(b[2]["x"].shape(), graph::Shape({1, 2}));
  EXPECT_EQ(b[2]["x"].ToVector<float>(), (std::vector<float>{8, 9}));
  EXPECT_EQ(Collect(FromTensorSlices(Element{{"x", x}}).Batch(2, true)).size(), 2u);
  EXPECT_EQ(Range(7).Batch(3).Cardinality(), 3);
  EXPECT_EQ(Range(7).Batch(3, true).Cardinality(), 2);
  std::vector<Element> r = Collect(Range(7).Batch(3));
  EXPECT_EQ(r[2]["value"].ToVector<int64_t>(), (std::vector<int64_t>{6}));
}

TEST(BatchTest, ValidationAndShapeMismatch) {
  Dataset zero = Range(5).Batch(0);
  EXPECT_FALSE(zero.ok());
  EXPECT_EQ(zero.MakeIterator().status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(zero.status().message(), HasSubstr("batch_size must be > 0, got 0"));
  EXPECT_FALSE(Range(5).Batch(-3).Map(Times(2)).Prefetch().ok());  // The first error is kept.
  Dataset ragged = FromGenerator([](int64_t i, Element* out, bool* end) {
    if (i == 4) {
      *end = true;
      return absl::OkStatus();
    }
    out->Set("v", graph::Tensor(graph::DType::kFloat32, graph::Shape{i < 2 ? 2 : 3}));
    return absl::OkStatus();
  });
  EXPECT_THAT(FirstError(ragged.Batch(4)).message(),
              HasSubstr("element 2 of batch 0 has component 'v' f32[3]"));
}

TEST(BatchTest, HugeBatchSizesDoNotExhaustMemory) {
  // A batch size far beyond the data allocates only what the data needs.
  std::vector<Element> b = Collect(Range(3).Batch(int64_t{1} << 40));
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0]["value"].ToVector<int64_t>(), (std::vector<int64_t>{0, 1, 2}));
  // With unknown cardinality an impossible batch is an error, not a crash.
  graph::Tensor big(graph::DType::kFloat32, graph::Shape{1024});
  Dataset rows = FromGenerator([big](int64_t, Element* out, bool*) {
    out->Set("x", big);
    return absl::OkStatus();
  });
  EXPECT_EQ(FirstError(rows.Batch(int64_t{1} << 30)).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Collect(Range(int64_t{1} << 40).Shuffle(4, 1), 3).size(), 3u);  // Too big to permute: buffered.
}

TEST(BatchTest, ReusesOutputStorage) {
  Dataset d = Range(1000).Map(Times(2)).Batch(10);
  absl::StatusOr<Iterator> it = d.MakeIterator();
  ASSERT_TRUE(it.ok());
  Element out;
  bool end = false;
  ASSERT_TRUE(it->GetNext(&out, &end).ok());
  const void* first = out["value"].raw_data();
  for (int i = 1; i < 100; ++i) {
    ASSERT_TRUE(it->GetNext(&out, &end).ok());
    ASSERT_FALSE(end);
    EXPECT_EQ(out["value"].raw_data(), first);
    EXPECT_EQ(out["value"].ToVector<int64_t>()[9], 2 * (10 * i + 9));
  }
  // Through a prefetch buffer of 2, storage circulates between a few buffers.
  absl::StatusOr<Iterator> pit = d.Prefetch(2).MakeIterator();
  ASSERT_TRUE(pit.ok());
  std::set<const void*> buffers;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(pit->GetNext(&out, &end).ok());
    EXPECT_EQ(out["value"].ToVector<int64_t>()[0], 2 * 10 * i);
    buffers.insert(out["value"].raw_data());
  }
  EXPECT_LE(buffers.size(), 4u);
}

TEST(PaddedBatchTest, PadsToBatchMaximumOrFixedShape) {
  // Element i is i+1 copies of (i+1).
  Dataset ragged = FromGenerator([](int64_t i, Element* out, bool* end) {
    if (i == 3) {
      *end = true;
      return absl::OkStatus();
    }
    std::vector<int32_t> v(static_cast<size_t>(i + 1), static_cast<int32_t>(i + 1));
    out->Set("v", graph::Tensor::Vector<int32_t>(v));
    return absl::OkStatus();
  });
  PaddedBatchOptions o;
  o.batch_size = 2;
  std::vector<Element> b = Collect(ragged.PaddedBatch(o));
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0]["v"].shape(), graph::Shape({2, 2}));
  EXPECT_EQ(b[0]["v"].ToVector<int32_t>(), (std::vector<int32_t>{1, 0, 2, 2}));
  EXPECT_EQ(b[1]["v"].shape(), graph::Shape({1, 3}));
  o.padded_shapes = {{"v", graph::Shape{4}}};
  o.padding_values = {{"v", -1}};
  b = Collect(ragged.PaddedBatch(o));
  EXPECT_EQ(b[0]["v"].ToVector<int32_t>(), (std::vector<int32_t>{1, -1, -1, -1, 2, 2, -1, -1}));
  EXPECT_EQ(b[1]["v"].ToVector<int32_t>(), (std::vector<int32_t>{3, 3, 3, -1}));
  o.padded_shapes = {{"v", graph::Shape{2}}};
  EXPECT_THAT(FirstError(ragged.PaddedBatch(o)).message(), HasSubstr("larger than its padded shape"));
  // Rank 2 elements: [1,1], [2,2] -> padded [2,2,2].
  Dataset square = FromGenerator([](int64_t i, Element* out, bool* end) {
    if (i == 2) {
      *end = true;
      return absl::OkStatus();
    }
    graph::Tensor t(graph::DType::kFloat32, graph::Shape{i + 1, i + 1});
    for (int64_t j = 0; j < t.num_elements(); ++j) t.data<float>()[j] = static_cast<float>(10 * i + j);
    out->Set("m", t);
    return absl::OkStatus();
  });
  PaddedBatchOptions sq;
  sq.batch_size = 2;
  b = Collect(square.PaddedBatch(sq));
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0]["m"].ToVector<float>(), (std::vector<float>{0, 0, 0, 0, 10, 11, 12, 13}));
  sq.batch_size = 0;
  EXPECT_FALSE(square.PaddedBatch(sq).ok());
}

TEST(RepeatTest, CountsAndForever) {
  EXPECT_THAT(CollectInts(Range(3).Repeat(2)), ElementsAre(0, 1, 2, 0, 1, 2));
  EXPECT_THAT(CollectInts(Range(3).Repeat().Take(7)), ElementsAre(0, 1, 2, 0, 1, 2, 0));
  EXPECT_THAT(CollectInts(Range(3).Repeat(0)), IsEmpty());
  EXPECT_THAT(CollectInts(Range(0).Repeat()), IsEmpty());  // Repeating nothing ends.
  EXPECT_EQ(Range(3).Repeat(4).Cardinality(), 12);
  EXPECT_EQ(Range(3).Repeat().Cardinality(), kInfiniteCardinality);
  EXPECT_THAT(Range(3).Repeat(-2).status().message(), HasSubstr("count must be >= 0 or -1"));
}

TEST(PrefetchTest, SameElements) {
  EXPECT_EQ(CollectInts(Range(100).Prefetch(3)), Iota(100));
  EXPECT_EQ(CollectInts(Range(100)
                            .Map(Times(1), 2)
                            .Prefetch(1)
                            .Batch(7)
                            .Prefetch(2)
                            .Map([](const Element& in, Element* out) {
                              out->Set("value",
                                       graph::Tensor::Scalar<int64_t>(in["value"].ToVector<int64_t>()[0]));
                              out->Truncate(1);
                              return absl::OkStatus();
                            })),
            (std::vector<int64_t>{0, 7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 91, 98}));
  EXPECT_FALSE(Range(3).Prefetch(0).ok());
}

TEST(CacheTest, ComputesOnce) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  MapFn counting = [calls](const Element& in, Element* out) {
    ++*calls;
    out->Set("value", graph::Tensor::Scalar<int64_t>(Value(in) + 100));
    out->Truncate(1);
    return absl::OkStatus();
  };
  Dataset ra = Range(5).Map(counting).Cache();
  EXPECT_THAT(CollectInts(ra.Repeat(3)),
              ElementsAre(100, 101, 102, 103, 104, 100, 101, 102, 103, 104, 100, 101, 102, 103, 104));
  EXPECT_EQ(calls->load(), 5);
  EXPECT_THAT(CollectInts(ra.Shuffle(5, 1)), ::testing::UnorderedElementsAre(100, 101, 102, 103, 104));
  EXPECT_EQ(calls->load(), 5);

  auto predicate_calls = std::make_shared<std::atomic<int>>(0);
  FilterFn odd = [predicate_calls](const Element& e) -> absl::StatusOr<bool> {
    ++*predicate_calls;
    return Value(e) % 2 == 1;
  };
  Dataset stream = Range(10).Filter(odd).Cache();
  EXPECT_THAT(CollectInts(stream.Repeat(3)), ElementsAre(1, 3, 5, 7, 9, 1, 3, 5, 7, 9, 1, 3, 5, 7, 9));
  EXPECT_EQ(predicate_calls->load(), 10);
  EXPECT_THAT(CollectInts(stream), ElementsAre(1, 3, 5, 7, 9));
  EXPECT_EQ(predicate_calls->load(), 10);
  EXPECT_FALSE(Range(3).Repeat().Cache().ok());
}

TEST(TakeSkipTest, Values) {
  EXPECT_THAT(CollectInts(Range(10).Take(3)), ElementsAre(0, 1, 2));
  EXPECT_THAT(CollectInts(Range(10).Skip(7)), ElementsAre(7, 8, 9));
  EXPECT_THAT(CollectInts(Range(10).Filter(KeepAll()).Skip(7)), ElementsAre(7, 8, 9));
  EXPECT_EQ(CollectInts(Range(10).Take(-1)), Iota(10));
  EXPECT_THAT(CollectInts(Range(10).Skip(-1)), IsEmpty());
  EXPECT_THAT(CollectInts(Range(10).Skip(20)), IsEmpty());
  EXPECT_EQ(Range(10).Take(3).Cardinality(), 3);
  EXPECT_EQ(Range(10).Skip(3).Cardinality(), 7);
  // Take/Skip of a random-access input stay random-access: shuffling the slice permutes just it.
  EXPECT_THAT(CollectInts(Range(10).Skip(2).Take(3).Shuffle(3, 5)), ::testing::UnorderedElementsAre(2, 3, 4));
  EXPECT_FALSE(Range(3).Take(-2).ok());
  EXPECT_FALSE(Range(3).Skip(-5).ok());
}

TEST(ShardTest, EveryNth) {
  EXPECT_THAT(CollectInts(Range(10).Shard(3, 1)), ElementsAre(1, 4, 7));
  EXPECT_THAT(CollectInts(Range(10).Shard(3, 0)), ElementsAre(0, 3, 6, 9));
  EXPECT_THAT(CollectInts(Range(10).Filter(KeepAll()).Shard(3, 2)), ElementsAre(2, 5, 8));
  EXPECT_EQ(Range(10).Shard(3, 0).Cardinality(), 4);
  EXPECT_EQ(Range(10).Shard(3, 2).Cardinality(), 3);
  EXPECT_FALSE(Range(10).Shard(3, 3).ok());
  EXPECT_FALSE(Range(10).Shard(0, 0).ok());
}

TEST(ZipConcatenateEnumerateTest, Values) {
  Dataset other = Range(10, 15).Map(Times(1, "other"));
  std::vector<Element> z = Collect(Range(3).Zip(other));
  ASSERT_EQ(z.size(), 3u);
  EXPECT_EQ(testing::Ints(z, "value"), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(testing::Ints(z, "other"), (std::vector<int64_t>{10, 11, 12}));
  EXPECT_EQ(Range(3).Zip(other).Cardinality(), 3);
  EXPECT_EQ(Collect(Range(3).Filter(KeepAll()).Zip(other)).size(), 3u);
  EXPECT_THAT(FirstError(Range(3).Zip(Range(3))).message(), HasSubstr("'value' appears in two inputs"));

  EXPECT_THAT(CollectInts(Range(2).Concatenate(Range(5, 7))), ElementsAre(0, 1, 5, 6));
  EXPECT_EQ(Range(2).Concatenate(Range(5, 7)).Cardinality(), 4);
  EXPECT_THAT(FirstError(Range(2).Concatenate(other)).message(), HasSubstr("does not match"));

  std::vector<Element> e = Collect(Range(10, 13).Enumerate());
  EXPECT_EQ(testing::Ints(e, "index"), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(testing::Ints(e, "value"), (std::vector<int64_t>{10, 11, 12}));
  EXPECT_EQ(testing::Ints(Collect(Range(3).Filter(KeepAll()).Enumerate(5, "i")), "i"),
            (std::vector<int64_t>{5, 6, 7}));
  EXPECT_THAT(FirstError(Range(3).Enumerate(0, "value")).message(), HasSubstr("already has"));
}

TEST(IteratorTest, EndIsStickyAndInvalidDatasetsReportTheirError) {
  absl::StatusOr<Iterator> it = Range(2).MakeIterator();
  ASSERT_TRUE(it.ok());
  Element e;
  bool end = false;
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(it->GetNext(&e, &end).ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(it->GetNext(&e, &end).ok());
    EXPECT_TRUE(end);
  }
  EXPECT_EQ(it->position(), 2);
  EXPECT_EQ(Dataset().MakeIterator().status().code(), absl::StatusCode::kFailedPrecondition);
  Dataset broken = Range(3).Take(-7).Map(Times(2)).Batch(2).Repeat(2);
  EXPECT_THAT(broken.status().message(), HasSubstr("Take: count must be >= 0 or -1"));
  EXPECT_EQ(broken.Cardinality(), kUnknownCardinality);
  EXPECT_FALSE(Dataset::Zip({Range(2), broken}).ok());
  EXPECT_FALSE(Range(2).Concatenate(broken).ok());
}

TEST(PipelineTest, ComposedLikeTfData) {
  // x = 2 * label; after map, shuffle and batch every row must still satisfy it, and the labels are a
  // permutation.
  std::vector<float> x(100);
  std::vector<int64_t> y(100);
  for (int i = 0; i < 100; ++i) {
    x[static_cast<size_t>(i)] = static_cast<float>(2 * i);
    y[static_cast<size_t>(i)] = i;
  }
  MapFn halve = [](const Element& in, Element* out) {
    graph::Tensor* t = out->ReuseAt(0, "x", graph::DType::kFloat32, graph::Shape{});
    *t->data<float>() = in["x"].ToVector<float>()[0] / 2;
    out->SetAt(1, "label", in["label"]);
    out->Truncate(2);
    return absl::OkStatus();
  };
  Dataset d = FromTensorSlices(Element{{"x", graph::Tensor::Vector<float>(x)},
                                       {"label", graph::Tensor::Vector<int64_t>(y)}})
                  .Map(halve, 2)
                  .Shuffle(100, 3)
                  .Batch(32)
                  .Prefetch(2);
  std::vector<Element> batches = Collect(d);
  ASSERT_EQ(batches.size(), 4u);
  std::vector<int64_t> labels;
  for (const Element& b : batches) {
    std::vector<float> bx = b["x"].ToVector<float>();
    std::vector<int64_t> by = b["label"].ToVector<int64_t>();
    ASSERT_EQ(bx.size(), by.size());
    for (size_t i = 0; i < bx.size(); ++i) EXPECT_EQ(bx[i], static_cast<float>(by[i]));
    labels.insert(labels.end(), by.begin(), by.end());
  }
  EXPECT_EQ(labels, CollectInts(Range(100).Shuffle(100, 3)));  // Same permutation as the plain shuffle.
}

}  // namespace
}  // namespace datasets
