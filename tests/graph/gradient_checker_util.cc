#include <cmath>
#include <random>

#include "graph/autodiff.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "tests/graph/gradient_checker.h"

namespace testing_util {

using graph::DType;
using graph::Feed;
using graph::Output;
using graph::Tensor;

void ExpectGradientsMatch(const graph::Scope& s, Output y, const std::vector<Output>& xs,
                          const std::vector<Tensor>& x_values, const GradCheckOptions& options) {
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(xs.size(), x_values.size());
  graph::Session probe(*s.graph());
  std::vector<Feed> feeds;
  for (size_t i = 0; i < xs.size(); ++i) feeds.push_back({xs[i], x_values[i].Clone()});
  std::vector<Tensor> out;
  ASSERT_TRUE(probe.Run(feeds, {y}, &out).ok());
  const Tensor y0 = out[0];
  ASSERT_EQ(y0.dtype(), DType::kFloat32);

  std::mt19937 rng(options.seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Tensor w(DType::kFloat32, y0.shape());
  for (float& v : w.flat<float>()) v = u(rng);
  const graph::Scope gs = s.NewSubScope("check");
  std::vector<Output> grads = graph::Gradients(gs, {y}, xs, {graph::ops::Const(gs, w)});
  ASSERT_TRUE(s.ok()) << s.status();

  graph::Session sess(*s.graph());
  std::vector<Output> valid_grads;
  for (size_t i = 0; i < grads.size(); ++i) {
    ASSERT_TRUE(grads[i].valid()) << "no gradient reaches x " << i;
    valid_grads.push_back(grads[i]);
  }
  std::vector<Tensor> analytic;
  absl::Status st = sess.Run(feeds, valid_grads, &analytic);
  ASSERT_TRUE(st.ok()) << st;

  auto loss = [&](std::vector<Feed>& f) {
    std::vector<Tensor> r;
    absl::Status run = sess.Run(f, {y}, &r);
    EXPECT_TRUE(run.ok()) << run;
    double l = 0;
    for (int64_t i = 0; i < r[0].num_elements(); ++i) {
      l += static_cast<double>(r[0].data<float>()[i]) * w.data<float>()[i];
    }
    return l;
  };
  for (size_t k = 0; k < xs.size(); ++k) {
    ASSERT_EQ(analytic[k].shape(), x_values[k].shape()) << "gradient shape for x " << k;
    float* x = feeds[k].second.data<float>();
    for (int64_t i = 0; i < x_values[k].num_elements(); ++i) {
      const float saved = x[i];
      x[i] = saved + static_cast<float>(options.delta);
      const double plus = loss(feeds);
      x[i] = saved - static_cast<float>(options.delta);
      const double minus = loss(feeds);
      x[i] = saved;
      const double numeric = (plus - minus) / (2 * options.delta);
      const double got = analytic[k].data<float>()[i];
      EXPECT_NEAR(got, numeric, options.atol + options.rtol * std::abs(numeric))
          << "x " << k << " element " << i << " (value " << saved << ")";
    }
  }
}

}  // namespace testing_util
