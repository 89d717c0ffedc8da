// Exact resume: an iterator restored from a saved state continues with exactly the elements an uninterrupted
// pass delivers, for pipelines using every stage.
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "datasets/generator.h"
#include "datasets/tensor_slices.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/datasets/test_util.h"

namespace datasets {
namespace {

using ::datasets::testing::Collect;
using ::testing::HasSubstr;

int64_t Value(const Element& e) { return static_cast<int64_t>(e["value"].ElementAsDouble(0)); }

MapFn Affine(int64_t a, int64_t b, const std::string& name = "value") {
  return [a, b, name](const Element& in, Element* out) {
    *out->ReuseAt(0, name, graph::DType::kInt64, graph::Shape{})->data<int64_t>() = a * Value(in) + b;
    out->Truncate(1);
    return absl::OkStatus();
  };
}

FilterFn Odd() {
  return [](const Element& e) -> absl::StatusOr<bool> { return Value(e) % 2 == 1; };
}

Dataset Images() {
  // 30 "images" f32[2,2] and labels; image = label + {0, .25, .5, .75}.
  std::vector<float> x;
  std::vector<int64_t> y;
  for (int i = 0; i < 30; ++i) {
    for (int j = 0; j < 4; ++j) x.push_back(static_cast<float>(i) + 0.25f * static_cast<float>(j));
    y.push_back(i);
  }
  return FromTensorSlices(Element{{"image", *graph::Tensor::FromVector<float>(x, graph::Shape{30, 2, 2})},
                                  {"label", graph::Tensor::Vector<int64_t>(y)}});
}

Dataset Generated() {
  return FromGenerator([](int64_t i, Element* out, bool* end) {
    if (i == 11) {
      *end = true;
      return absl::OkStatus();
    }
    out->Set("v", graph::Tensor::Vector<int32_t>(
                      std::vector<int32_t>(static_cast<size_t>(i % 4 + 1), static_cast<int32_t>(i))));
    return absl::OkStatus();
  });
}

// Pipelines are built by functions: a restore happens into a freshly built pipeline, as in a new process.
struct Case {
  const char* name;
  std::function<Dataset()> make;
};

std::vector<Case> Cases() {
  PaddedBatchOptions padded;
  padded.batch_size = 3;
  MapFn scale = [](const Element& in, Element* out) {
    graph::Tensor* t = out->ReuseAt(0, "image", graph::DType::kFloat32, in["image"].shape());
    for (int64_t i = 0; i < t->num_elements(); ++i) t->data<float>()[i] = in["image"].data<float>()[i] / 2;
    out->SetAt(1, "label", in["label"]);
    out->Truncate(2);
    return absl::OkStatus();
  };
  return {
      {"shuffle_batch_repeat", [] { return Range(50).Shuffle(50, 1).Batch(4).Repeat(3); }},
      {"parallel_map_shuffle_repeat_batch_prefetch",
       [] { return Range(37).Map(Affine(2, 1), 2).Shuffle(37, 5).Repeat(4).Batch(5, true).Prefetch(2); }},
      {"filter_buffer_shuffle_repeat", [] { return Range(40).Filter(Odd()).Shuffle(7, 3).Repeat(2); }},
      {"infinite_repeat_then_buffer_shuffle", [] { return Range(30).Repeat().Shuffle(10, 4).Take(100); }},
      {"images_map_cache_shuffle_batch_prefetch_repeat",
       [scale] { return Images().Map(scale).Cache().Shuffle(30, 8).Batch(7).Prefetch(3).Repeat(3); }},
      {"shard_enumerate_repeat", [] { return Range(20).Shard(3, 1).Enumerate().Repeat(3); }},
      {"zip_skip_take_repeat",
       [] { return Range(10).Zip(Range(100, 110).Map(Affine(1, 0, "other"))).Skip(2).Take(6).Repeat(2); }},
      {"concatenate_repeat_batch", [] { return Range(5).Concatenate(Range(10, 17)).Repeat(3).Batch(3); }},
      {"generator_shuffle_padded_batch_repeat",
       [padded] { return Generated().Shuffle(5, 2).PaddedBatch(padded).Repeat(2); }},
      {"forever_batch_take", [] { return Range(23).Shuffle(23, 9).Repeat().Batch(4).Take(40); }},
      {"streaming_cache_shuffle_repeat",
       [] { return Range(25).Filter(Odd()).Cache().Shuffle(4, 6).Repeat(3); }},
      {"parallel_map_cache_shuffle_repeat_batch",
       [] { return Range(40).Map(Affine(5, 2), 2).Cache().Shuffle(40, 3).Repeat(3).Batch(6).Prefetch(2); }},
      {"parallel_map_skip_shard_shuffle",
       [] { return Range(90).Map(Affine(1, 7), 3).Skip(4).Shard(4, 3).Shuffle(10, 1).Repeat(2); }},
      {"parallel_map_over_stream_shard",
       [] { return Range(60).Filter(Odd()).Map(Affine(3, 0), 3).Shard(2, 1).Repeat(2).Prefetch(1); }},
  };
}

TEST(IteratorStateTest, RestoredSequenceEqualsUninterrupted) {
  std::mt19937 positions(1234);
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    const std::vector<Element> full = Collect(c.make());
    ASSERT_GT(full.size(), 5u);
    for (int trial = 0; trial < 4; ++trial) {
      const int64_t stop = trial == 0 ? 0 : static_cast<int64_t>(positions() % (full.size() + 1));
      std::string saved;
      {
        absl::StatusOr<Iterator> it = c.make().MakeIterator();
        ASSERT_TRUE(it.ok());
        Element e;
        bool end = false;
        for (int64_t i = 0; i < stop; ++i) {
          ASSERT_TRUE(it->GetNext(&e, &end).ok());
          ASSERT_FALSE(end);
          ASSERT_EQ(e, full[static_cast<size_t>(i)]) << i;
        }
        saved = it->SaveState().Serialize();
        // The iterator is destroyed mid-pass here (threads must stop cleanly).
      }
      absl::StatusOr<IteratorState> state = IteratorState::Parse(saved);
      ASSERT_TRUE(state.ok());
      EXPECT_EQ(state->position, stop);
      absl::StatusOr<Iterator> resumed = c.make().MakeIterator();
      ASSERT_TRUE(resumed.ok());
      ASSERT_TRUE(resumed->RestoreState(*state).ok()) << stop;
      EXPECT_EQ(resumed->position(), stop);
      Element e;
      bool end = false;
      for (size_t i = static_cast<size_t>(stop); i < full.size(); ++i) {
        ASSERT_TRUE(resumed->GetNext(&e, &end).ok());
        ASSERT_FALSE(end) << "ended early at " << i;
        ASSERT_EQ(e, full[i]) << "stop " << stop << " element " << i << ": " << e.DebugString() << " vs "
                              << full[i].DebugString();
      }
      ASSERT_TRUE(resumed->GetNext(&e, &end).ok());
      EXPECT_TRUE(end);
    }
  }
}

TEST(IteratorStateTest, RestoreIntoARunningIterator) {
  Dataset d = Range(100).Map(Affine(1, 0), 2).Shuffle(100, 11).Prefetch(2);
  const std::vector<Element> full = Collect(d);
  absl::StatusOr<Iterator> it = d.MakeIterator();
  ASSERT_TRUE(it.ok());
  Element e;
  bool end = false;
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(it->GetNext(&e, &end).ok());
  IteratorState at_60 = it->SaveState();
  IteratorState at_20{at_60.pipeline_fingerprint, 20};
  ASSERT_TRUE(it->RestoreState(at_20).ok());  // Back in time.
  for (size_t i = 20; i < 30; ++i) {
    ASSERT_TRUE(it->GetNext(&e, &end).ok());
    EXPECT_EQ(e, full[i]);
  }
}

TEST(IteratorStateTest, MoveAssignmentReplacesARunningPass) {
  absl::StatusOr<Iterator> it = Range(1000).Map(Affine(1, 0), 2).Prefetch(2).MakeIterator();
  ASSERT_TRUE(it.ok());
  Element e;
  bool end = false;
  ASSERT_TRUE(it->GetNext(&e, &end).ok());
  // The only reference to the first pipeline goes away with the assignment; its threads must stop first.
  *it = *Range(5, 8).Prefetch(1).MakeIterator();
  std::vector<int64_t> rest;
  while (it->GetNext(&e, &end).ok() && !end) rest.push_back(Value(e));
  EXPECT_EQ(rest, (std::vector<int64_t>{5, 6, 7}));
}

TEST(IteratorStateTest, ErrorsAndFormat) {
  absl::StatusOr<Iterator> it = Range(10).Shuffle(10, 1).MakeIterator();
  ASSERT_TRUE(it.ok());
  IteratorState s = it->SaveState();
  EXPECT_EQ(s.Serialize().size(), 20u);
  EXPECT_EQ(*IteratorState::Parse(s.Serialize()), s);
  EXPECT_FALSE(IteratorState::Parse("garbage").ok());
  IteratorState text_state{0x0123456789abcdefull, 1234567};
  EXPECT_EQ(text_state.ToText(), "dsi1:0123456789abcdef:1234567");
  EXPECT_EQ(*IteratorState::FromText(text_state.ToText()), text_state);
  EXPECT_FALSE(IteratorState::FromText("dsi1:0123456789abcdef:-5").ok());
  EXPECT_FALSE(IteratorState::FromText("dsi1:0123456789abcdeg:5").ok());
  EXPECT_FALSE(IteratorState::FromText("dsi2:0123456789abcdef:5").ok());
  std::string bad_magic = s.Serialize();
  bad_magic[0] = 'X';
  EXPECT_FALSE(IteratorState::Parse(bad_magic).ok());

  absl::StatusOr<Iterator> other =
      Range(10).Shuffle(10, 2).MakeIterator();  // Another seed: another pipeline.
  EXPECT_EQ(other->RestoreState(s).code(), absl::StatusCode::kFailedPrecondition);
  IteratorState beyond = s;
  beyond.position = 11;
  absl::Status past_end = it->RestoreState(beyond);
  EXPECT_EQ(past_end.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(past_end.message(), HasSubstr("only 10 elements"));
}

TEST(IteratorStateTest, SameSeedSameSequenceAcrossEpochs) {
  auto make = [] { return Range(1000).Shuffle(1000, 77).Repeat(3).Batch(64); };
  EXPECT_EQ(Collect(make()), Collect(make()));
  std::vector<Element> a = Collect(Range(1000).Shuffle(1000, 77).Repeat(2));
  std::vector<int64_t> first, second;
  for (size_t i = 0; i < 1000; ++i) first.push_back(Value(a[i]));
  for (size_t i = 1000; i < 2000; ++i) second.push_back(Value(a[i]));
  EXPECT_NE(first, second);
}

}  // namespace
}  // namespace datasets
