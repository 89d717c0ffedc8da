// Every metric against values computed by scikit-learn (tests/metrics/fixtures/sklearn_cases.txt, written by
// gen_sklearn_fixtures.py): one batch, many small batches, merged shards and save/restore must all match.
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "metrics/registry.h"
#include "tests/metrics/metric_test_util.h"

namespace metrics {
namespace {

using test_util::MergedResult;
using test_util::RestoredResult;
using test_util::ResultsNear;
using test_util::StreamResult;

struct FixtureCase {
  std::string name;
  std::string kind;
  std::vector<std::pair<std::string, std::string>> params;
  std::map<std::string, graph::Tensor> tensors;  // predictions, labels, weights
  MetricResult expected;

  const graph::Tensor& tensor(const std::string& role) const {
    static const graph::Tensor* kNone = new graph::Tensor();
    auto it = tensors.find(role);
    return it == tensors.end() ? *kNone : it->second;
  }
};

double ParseDouble(const std::string& s) { return s == "nan" ? std::nan("") : std::stod(s); }

graph::Tensor ParseTensor(std::istringstream& in) {
  std::string dtype, shape_text;
  in >> dtype >> shape_text;
  graph::Shape shape;
  std::stringstream dims(shape_text);
  for (std::string d; std::getline(dims, d, ',');) shape.AddDim(std::stoll(d));
  if (dtype == "f32") {
    std::vector<float> v;
    for (std::string x; in >> x;) v.push_back(std::stof(x));
    return *graph::Tensor::FromVector<float>(v, shape);
  }
  std::vector<int64_t> v;
  for (std::string x; in >> x;) v.push_back(std::stoll(x));
  if (dtype == "i64") return *graph::Tensor::FromVector<int64_t>(v, shape);
  std::vector<int32_t> v32(v.begin(), v.end());
  return *graph::Tensor::FromVector<int32_t>(v32, shape);
}

std::vector<FixtureCase> LoadCases() {
  std::ifstream file(ESTIMATOR_SOURCE_DIR "/tests/metrics/fixtures/sklearn_cases.txt");
  std::vector<FixtureCase> cases;
  std::map<std::string, graph::Tensor> by_id;
  FixtureCase current;
  for (std::string line; std::getline(file, line);) {
    std::istringstream in(line);
    std::string tag;
    in >> tag;
    if (tag == "case") {
      current = FixtureCase();
      in >> current.name;
    } else if (tag == "kind") {
      in >> current.kind;
    } else if (tag == "param") {
      std::string k, v;
      in >> k >> v;
      current.params.emplace_back(k, v);
    } else if (tag == "tensor") {
      std::string role, id;
      in >> role >> id;
      if (id[0] == '#') by_id[id.substr(1)] = ParseTensor(in);
      current.tensors[role] = by_id.at(id.substr(1));
    } else if (tag == "expect") {
      std::string v;
      in >> v;
      current.expected.value = ParseDouble(v);
    } else if (tag == "expect_array") {
      MetricArray a;
      in >> a.name;
      for (std::string v; in >> v;) a.values.push_back(ParseDouble(v));
      current.expected.arrays.push_back(std::move(a));
    } else if (tag == "end") {
      cases.push_back(std::move(current));
    }
  }
  return cases;
}

const std::vector<FixtureCase>& Cases() {
  static const std::vector<FixtureCase>* cases = new std::vector<FixtureCase>(LoadCases());
  return *cases;
}

TEST(SklearnFixtureTest, FileHasAllCases) {
  ASSERT_GE(Cases().size(), 150u) << "fixture file missing or truncated";
  std::set<std::string> kinds;
  for (const FixtureCase& c : Cases()) kinds.insert(c.kind);
  for (const char* k : {"accuracy", "binary_accuracy", "categorical_accuracy", "top_k_accuracy", "precision",
                        "recall", "f1", "fbeta", "auc_roc", "auc_pr", "log_loss", "mse", "rmse", "mae", "r2",
                        "confusion_matrix", "mean_iou", "mean_per_class_accuracy", "mean"}) {
    EXPECT_TRUE(kinds.count(k)) << k;
  }
}

class SklearnFixture : public ::testing::TestWithParam<size_t> {
 protected:
  const FixtureCase& c() const { return Cases()[GetParam()]; }
  test_util::MetricFactory Factory() const {
    const FixtureCase* fc = &c();
    return [fc]() {
      absl::StatusOr<std::unique_ptr<Metric>> m = CreateMetricFromParams(fc->kind, fc->params);
      EXPECT_TRUE(m.ok()) << m.status();
      return *std::move(m);
    };
  }
  // Compares the value and the arrays the fixture lists (by name; shapes are not in the file).
  ::testing::AssertionResult Matches(const MetricResult& r, double tol = 1e-9) const {
    if (!test_util::Near(r.value, c().expected.value, tol)) {
      return ::testing::AssertionFailure()
             << c().name << ": value " << r.value << " vs scikit-learn " << c().expected.value;
    }
    for (const MetricArray& e : c().expected.arrays) {
      const MetricArray* a = r.Find(e.name);
      if (a == nullptr || a->values.size() != e.values.size()) {
        return ::testing::AssertionFailure() << c().name << ": missing or wrong-sized array " << e.name;
      }
      for (size_t i = 0; i < e.values.size(); ++i) {
        if (!test_util::Near(a->values[i], e.values[i], tol)) {
          return ::testing::AssertionFailure()
                 << c().name << ": " << e.name << "[" << i << "] = " << a->values[i] << " vs scikit-learn "
                 << e.values[i];
        }
      }
    }
    return ::testing::AssertionSuccess();
  }
  const graph::Tensor& p() const { return c().tensor("predictions"); }
  const graph::Tensor& y() const { return c().tensor("labels"); }
  const graph::Tensor& w() const { return c().tensor("weights"); }
};

TEST_P(SklearnFixture, OneBatchMatchesScikitLearn) {
  std::unique_ptr<Metric> m = Factory()();
  ASSERT_TRUE(m->Update(p(), y(), w()).ok()) << m->Update(p(), y(), w());
  EXPECT_TRUE(Matches(m->Result()));
}

TEST_P(SklearnFixture, ManySmallBatchesMatchOneBatch) {
  EXPECT_TRUE(Matches(StreamResult(Factory(), p(), y(), w(), {1, 7, 3, 13})));
}

TEST_P(SklearnFixture, MergedShardsMatchOnePass) {
  EXPECT_TRUE(Matches(MergedResult(Factory(), p(), y(), w(), 3)));
}

TEST_P(SklearnFixture, SaveRestoreKeepsTheResult) {
  std::unique_ptr<Metric> m = Factory()();
  ASSERT_TRUE(m->Update(p(), y(), w()).ok());
  EXPECT_TRUE(ResultsNear(RestoredResult(Factory(), p(), y(), w()), m->Result(), 0.0));
}

INSTANTIATE_TEST_SUITE_P(All, SklearnFixture, ::testing::Range<size_t>(0, Cases().size()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           std::string name = Cases()[info.param].name;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace metrics
