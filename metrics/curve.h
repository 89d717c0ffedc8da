// The pieces of ranking-curve areas shared by the AUC metrics: a descending sort of float scores and the
// integration of ROC / precision-recall curves over groups of tied scores.
#ifndef METRICS_CURVE_H_
#define METRICS_CURVE_H_

#include <cstdint>
#include <vector>

namespace metrics {

enum class AucCurve { kRoc, kPr };

// Fills `order` with the indices of `scores` sorted by decreasing score (stable; -0 equals +0). Scores must
// be finite. O(n) time (LSD radix sort on 16-bit digits) and 16 bytes of scratch per score.
// Thread-compatible.
void SortScoresDescending(const std::vector<float>& scores, std::vector<uint32_t>* order);

// Accumulates a curve from groups of tied scores visited in decreasing score order, each group given by its
// summed positive and negative weight (groups with no weight should be skipped), and returns:
//   kRoc: the trapezoidal area under (FPR, TPR) from (0, 0); NaN if the total positive or negative weight is
//   0. kPr:  average precision, sum over groups of (R_n - R_{n-1}) * P_n; 0 if there is no positive weight,
//   NaN if
//         no group was added.
class CurveIntegrator {
 public:
  explicit CurveIntegrator(AucCurve curve) : curve_(curve) {}

  void AddGroup(double positive_weight, double negative_weight);
  double Finish() const;

 private:
  AucCurve curve_;
  double tp_ = 0.0, fp_ = 0.0, area_ = 0.0;
  bool any_ = false;
};

}  // namespace metrics

#endif  // METRICS_CURVE_H_
