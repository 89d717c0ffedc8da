// Threaded stages: parallel Map and Prefetch keep order, surface worker errors as Status, run concurrently,
// and shut down cleanly when an iterator is destroyed at any point. Run under ThreadSanitizer as well.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "datasets/generator.h"
#include "datasets/tensor_slices.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/datasets/test_util.h"

namespace datasets {
namespace {

using ::datasets::testing::CollectInts;
using ::testing::HasSubstr;

int64_t Value(const Element& e) { return static_cast<int64_t>(e["value"].ElementAsDouble(0)); }

// Burns a little CPU so that workers overlap, then writes value * 2.
MapFn BusyDouble() {
  return [](const Element& in, Element* out) {
    volatile int64_t sink = 0;
    for (int i = 0; i < 2000; ++i) sink = sink + i;
    *out->ReuseAt(0, "value", graph::DType::kInt64, graph::Shape{})->data<int64_t>() = 2 * Value(in);
    out->Truncate(1);
    return absl::OkStatus();
  };
}

TEST(ThreadsTest, ParallelMapPreservesOrder) {
  std::vector<int64_t> expected;
  for (int64_t i = 0; i < 3000; ++i) expected.push_back(2 * i);
  EXPECT_EQ(CollectInts(Range(3000).Map(BusyDouble(), 4).Prefetch(8)), expected);
}

TEST(ThreadsTest, ParallelMapRunsCallsConcurrently) {
  // std::mutex rather than absl::Mutex here: ThreadSanitizer understands pthread locks.
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    int in_flight = 0;
    int max_in_flight = 0;
  };
  auto shared = std::make_shared<Shared>();
  MapFn meet = [shared](const Element& in, Element* out) {
    std::unique_lock<std::mutex> lock(shared->mu);
    ++shared->in_flight;
    shared->max_in_flight = std::max(shared->max_in_flight, shared->in_flight);
    shared->cv.notify_all();
    // Wait (bounded) for a second call to arrive; with one worker this would only time out.
    shared->cv.wait_for(lock, std::chrono::seconds(10), [&shared] { return shared->max_in_flight >= 2; });
    --shared->in_flight;
    *out = in;
    return absl::OkStatus();
  };
  EXPECT_EQ(CollectInts(Range(4).Map(meet, 2)).size(), 4u);
  std::lock_guard<std::mutex> lock(shared->mu);
  EXPECT_EQ(shared->max_in_flight, 2);
}

TEST(ThreadsTest, ParallelMapUnderShuffleAndCacheUsesWorkers) {
  // A random-access Map read through a shuffle permutation (and through a cache being filled) still runs its
  // function on its workers, and gives the same elements as the sequential Map.
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    int in_flight = 0;
    int max_in_flight = 0;
    int calls = 0;
  };
  auto shared = std::make_shared<Shared>();
  MapFn meet = [shared](const Element& in, Element* out) {
    std::unique_lock<std::mutex> lock(shared->mu);
    ++shared->calls;
    ++shared->in_flight;
    shared->max_in_flight = std::max(shared->max_in_flight, shared->in_flight);
    shared->cv.notify_all();
    shared->cv.wait_for(lock, std::chrono::seconds(10), [&shared] { return shared->max_in_flight >= 2; });
    --shared->in_flight;
    *out->ReuseAt(0, "value", graph::DType::kInt64, graph::Shape{})->data<int64_t>() = 3 * Value(in);
    out->Truncate(1);
    return absl::OkStatus();
  };
  MapFn sequential = [](const Element& in, Element* out) {
    out->Set("value", graph::Tensor::Scalar<int64_t>(3 * Value(in)));
    out->Truncate(1);
    return absl::OkStatus();
  };
  EXPECT_EQ(CollectInts(Range(64).Map(meet, 2).Shuffle(64, 5)),
            CollectInts(Range(64).Map(sequential).Shuffle(64, 5)));
  {
    std::lock_guard<std::mutex> lock(shared->mu);
    EXPECT_EQ(shared->max_in_flight, 2);
    shared->calls = 0;
  }
  // Through Skip, Shard and Take as well.
  EXPECT_EQ(CollectInts(Range(90).Map(meet, 2).Skip(5).Shard(3, 1).Take(20).Shuffle(20, 8)),
            CollectInts(Range(90).Map(sequential).Skip(5).Shard(3, 1).Take(20).Shuffle(20, 8)));
  {
    std::lock_guard<std::mutex> lock(shared->mu);
    EXPECT_EQ(shared->calls, 20);
    shared->calls = 0;
  }
  // A cache partly filled by a first pass over 5 elements computes only the 35 others, once, over 3 epochs.
  Dataset cached = Range(40).Map(meet, 2).Cache();
  EXPECT_EQ(CollectInts(cached.Take(5)), (std::vector<int64_t>{0, 3, 6, 9, 12}));
  EXPECT_EQ(CollectInts(cached.Shuffle(40, 2).Repeat(3)),
            CollectInts(Range(40).Map(sequential).Shuffle(40, 2).Repeat(3)));
  std::lock_guard<std::mutex> lock(shared->mu);
  EXPECT_EQ(shared->calls, 40);
}

TEST(ThreadsTest, WorkerErrorsSurfaceInOrder) {
  MapFn fail_at_50 = [](const Element& in, Element* out) {
    if (Value(in) == 50) return absl::DataLossError("bad record 50");
    *out = in;
    return absl::OkStatus();
  };
  absl::StatusOr<Iterator> it = Range(200).Map(fail_at_50, 3).Prefetch(4).MakeIterator();
  ASSERT_TRUE(it.ok());
  Element e;
  bool end = false;
  for (int64_t i = 0; i < 50; ++i) {
    ASSERT_TRUE(it->GetNext(&e, &end).ok()) << i;
    ASSERT_EQ(Value(e), i);
  }
  absl::Status s = it->GetNext(&e, &end);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("element 50: bad record 50"));
  EXPECT_EQ(it->GetNext(&e, &end), s);

  // A failing source behind a prefetch thread.
  Dataset source = FromGenerator([](int64_t i, Element* out, bool*) {
    if (i == 7) return absl::InvalidArgumentError("generator broke");
    out->Set("value", graph::Tensor::Scalar<int64_t>(i));
    return absl::OkStatus();
  });
  EXPECT_THAT(testing::FirstError(source.Prefetch(2)).message(), HasSubstr("generator broke"));
  EXPECT_THAT(testing::FirstError(source.Map(BusyDouble(), 2).Prefetch(2)).message(),
              HasSubstr("generator broke"));
}

TEST(ThreadsTest, DestroyingMidPassShutsDownCleanly) {
  Dataset d = Range(1000).Map(BusyDouble(), 3).Prefetch(4).Map(BusyDouble(), 2).Batch(8).Prefetch(2).Repeat();
  for (int round = 0; round < 30; ++round) {
    absl::StatusOr<Iterator> it = d.MakeIterator();
    ASSERT_TRUE(it.ok());
    Element e;
    bool end = false;
    for (int i = 0; i < round; ++i) {
      ASSERT_TRUE(it->GetNext(&e, &end).ok());
      EXPECT_EQ(e["value"].ToVector<int64_t>()[0], 4 * 8 * (i % 125));
    }
    // `it` goes out of scope with threads blocked on full buffers or still working.
  }
}

TEST(ThreadsTest, ConcurrentIteratorsShareACache) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  MapFn counted = [calls](const Element& in, Element* out) {
    ++*calls;
    *out = in;
    return absl::OkStatus();
  };
  Dataset d = Range(500).Map(counted).Cache().Shuffle(500, 3).Prefetch(2);
  std::vector<std::vector<int64_t>> results(3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&d, &results, t] { results[static_cast<size_t>(t)] = CollectInts(d); });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(results[0], results[1]);
  EXPECT_EQ(results[0], results[2]);
  EXPECT_EQ(results[0].size(), 500u);
  EXPECT_GE(calls->load(), 500);
  EXPECT_LE(calls->load(), 1500);  // Racing first fills may compute an element more than once, never more.
  EXPECT_EQ(CollectInts(d), results[0]);
}

}  // namespace
}  // namespace datasets
