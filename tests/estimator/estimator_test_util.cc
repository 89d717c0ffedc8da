#include "tests/estimator/estimator_test_util.h"

#include <filesystem>
#include <random>

#include "gtest/gtest.h"

namespace estimator_test {

std::string FreshTestDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

datasets::Element MakeToyData(uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  graph::Tensor x(graph::DType::kFloat32, {64, 4});
  graph::Tensor y(graph::DType::kInt64, {64});
  for (int i = 0; i < 64; ++i) {
    float* r = x.data<float>() + i * 4;
    for (int j = 0; j < 4; ++j) r[j] = u(rng);
    y.data<int64_t>()[i] = (r[0] + r[1] > r[2] + r[3]) ? 1 : 0;
  }
  datasets::Element e;
  e.Set("x", x);
  e.Set("label", y);
  return e;
}

}  // namespace estimator_test
