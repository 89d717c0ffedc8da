#include "metrics/curve.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "gtest/gtest.h"

namespace metrics {
namespace {

TEST(SortScoresDescendingTest, MatchesStableSortIncludingSignsAndZeros) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> pick(0, 9);
  std::normal_distribution<float> normal(0.0f, 1e3f);
  std::vector<float> scores;
  const float specials[] = {0.0f, -0.0f, 1.0f, -1.0f, 1e-38f, -1e-38f, 3e38f, -3e38f, 1e-45f};
  for (int i = 0; i < 20000; ++i) scores.push_back(pick(rng) < 3 ? specials[pick(rng) % 9] : normal(rng));
  std::vector<uint32_t> order;
  SortScoresDescending(scores, &order);
  std::vector<uint32_t> expected(scores.size());
  for (uint32_t i = 0; i < expected.size(); ++i) expected[i] = i;
  std::stable_sort(expected.begin(), expected.end(),
                   [&](uint32_t a, uint32_t b) { return scores[a] > scores[b]; });
  EXPECT_EQ(order, expected);
}

TEST(CurveIntegratorTest, RocAndPrFromGroups) {
  // Groups (positives, negatives) in decreasing score: (1, 0), (1, 1), (0, 1): ROC points (0,.5) (.5,1)
  // (1,1).
  CurveIntegrator roc(AucCurve::kRoc), pr(AucCurve::kPr);
  for (auto [p, n] : {std::pair{1.0, 0.0}, {1.0, 1.0}, {0.0, 1.0}}) {
    roc.AddGroup(p, n);
    pr.AddGroup(p, n);
  }
  EXPECT_DOUBLE_EQ(roc.Finish(), 0.875);
  EXPECT_DOUBLE_EQ(pr.Finish(), 0.5 * 1.0 + 0.5 * (2.0 / 3.0));
  CurveIntegrator empty(AucCurve::kPr);
  EXPECT_TRUE(std::isnan(empty.Finish()));
  empty.AddGroup(0.0, 2.0);
  EXPECT_EQ(empty.Finish(), 0.0);
}

}  // namespace
}  // namespace metrics
