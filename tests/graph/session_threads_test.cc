// SessionOptions::intra_op_threads holds on whichever thread runs the Session and leaves the caller's own
// OpenMP setting as it was.
#include <omp.h>

#include <random>
#include <thread>

#include "graph/ops/batch_norm_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"

namespace graph {
namespace {

Tensor Random(Shape shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Tensor t(DType::kFloat32, shape);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

// The batch variance of batch normalization in training: oneDNN splits the sum over the rows among
// threads (on AVX2 and AVX-512 alike), so the bits depend on how many threads compute it.
struct LongSum {
  Scope s = Scope::NewRootScope();
  Output c;
  LongSum() {
    Output gamma = ops::Const(s, Random({16}, 2));
    c = ops::BatchNorm(s, ops::Const(s, Random({4096, 16}, 1)), gamma, gamma, gamma, gamma, /*training=*/true)
            .batch_variance;
    EXPECT_TRUE(s.ok()) << s.status();
  }
};

Tensor RunOnce(const LongSum& g, int threads) {
  Session session(*g.s.graph(), {.intra_op_threads = threads});
  std::vector<Tensor> out;
  EXPECT_TRUE(session.Run({g.c}, &out).ok());
  return out.empty() ? Tensor() : out[0];
}

TEST(SessionThreadsTest, CallersOpenMpSettingIsGivenBack) {
  LongSum g;
  omp_set_num_threads(3);
  Session session(*g.s.graph(), {.intra_op_threads = 1});
  EXPECT_EQ(omp_get_max_threads(), 3);
  std::vector<Tensor> out;
  ASSERT_TRUE(session.Run({g.c}, &out).ok());
  EXPECT_EQ(omp_get_max_threads(), 3);
  Session default_threads(*g.s.graph());
  ASSERT_TRUE(default_threads.Run({g.c}, &out).ok());
  EXPECT_EQ(omp_get_max_threads(), 3);
}

TEST(SessionThreadsTest, SameThreadCountGivesSameBitsOnEveryThread) {
  LongSum g;
  omp_set_num_threads(1);
  const Tensor one = RunOnce(g, 1);
  omp_set_num_threads(2);
  const Tensor two = RunOnce(g, 2);
  // Whatever the calling thread's own OpenMP setting, a Session of n threads gives the bits of n threads.
  for (int caller_threads : {1, 2, 4}) {
    for (int threads : {1, 2}) {
      Tensor got;
      std::thread t([&] {
        omp_set_num_threads(caller_threads);
        got = RunOnce(g, threads);
        EXPECT_EQ(omp_get_max_threads(), caller_threads);
      });
      t.join();
      EXPECT_TRUE(TensorsEqual(got, threads == 1 ? one : two))
          << "session threads " << threads << ", caller threads " << caller_threads;
    }
  }
  omp_set_num_threads(1);
  EXPECT_TRUE(TensorsEqual(RunOnce(g, 2), two));
  // The check above can only fail if the thread count changes the bits; it does for this shape.
  EXPECT_FALSE(TensorsEqual(one, two)) << "1 and 2 threads gave the same bits: the test shows nothing here";
}

}  // namespace
}  // namespace graph
