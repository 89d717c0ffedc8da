#include "metrics/curve.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace metrics {

void CurveIntegrator::AddGroup(double positive_weight, double negative_weight) {
  const double tp = tp_ + positive_weight, fp = fp_ + negative_weight;
  if (curve_ == AucCurve::kRoc) {
    area_ += (fp - fp_) * (tp + tp_) * 0.5;  // trapezoid, normalised by Finish()
  } else if (tp + fp > 0) {
    area_ += (tp - tp_) * (tp / (tp + fp));  // (R_n - R_{n-1}) * P_n, recall normalised by Finish()
  }
  tp_ = tp;
  fp_ = fp;
  any_ = true;
}

double CurveIntegrator::Finish() const {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (curve_ == AucCurve::kRoc) {
    if (!(tp_ > 0) || !(fp_ > 0)) return kNaN;
    return area_ / (tp_ * fp_);
  }
  if (!any_) return kNaN;
  if (!(tp_ > 0)) return 0.0;
  return area_ / tp_;
}

void SortScoresDescending(const std::vector<float>& scores, std::vector<uint32_t>* order) {
  const size_t n = scores.size();
  std::vector<uint32_t> keys(n), tmp_keys(n), tmp_order(n);
  order->resize(n);
  for (size_t i = 0; i < n; ++i) {
    uint32_t u;
    std::memcpy(&u, &scores[i], sizeof u);
    if (scores[i] == 0.0f) u = 0;  // -0 == +0
    // Map to an order-preserving unsigned key, then invert it for a descending sort.
    u = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
    keys[i] = ~u;
    (*order)[i] = static_cast<uint32_t>(i);
  }
  std::vector<uint32_t> count(1 << 16);
  for (int shift = 0; shift < 32; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (size_t i = 0; i < n; ++i) ++count[(keys[i] >> shift) & 0xffffu];
    uint32_t sum = 0;
    for (uint32_t& c : count) {
      const uint32_t c0 = c;
      c = sum;
      sum += c0;
    }
    for (size_t i = 0; i < n; ++i) {
      const uint32_t dst = count[(keys[i] >> shift) & 0xffffu]++;
      tmp_keys[dst] = keys[i];
      tmp_order[dst] = (*order)[i];
    }
    keys.swap(tmp_keys);
    order->swap(tmp_order);
  }
}

}  // namespace metrics
