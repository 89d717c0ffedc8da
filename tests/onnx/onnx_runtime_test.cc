// Numerical verification of exported models with an independent runtime: onnxruntime (CPU, PyPI's wheel, run
// by tools/onnx/compare_onnxruntime.py) must reproduce our Session's outputs on random inputs (batch 7)
// within 1e-4, and integer and boolean outputs (argmax classes, ...) exactly.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "onnx/onnx_export.h"
#include "tests/onnx/onnx_runtime_util.h"
#include "tests/onnx/onnx_test_models.h"

namespace onnx_test {
namespace {

namespace fs = std::filesystem;

constexpr double kTolerance = 1e-4;

// The inputs and expected outputs of `model` under its own names.
fs::path WriteModelCase(const std::string& tag, const std::string& model_bytes, const TestModel& model,
                        const std::vector<graph::Feed>& feeds, const std::vector<graph::Tensor>& expected) {
  std::vector<NamedTensor> inputs, outputs;
  for (size_t i = 0; i < feeds.size(); ++i) inputs.push_back({model.inputs[i].name, feeds[i].second});
  for (size_t i = 0; i < expected.size(); ++i) outputs.push_back({model.outputs[i].name, expected[i]});
  return WriteCase(tag, model_bytes, inputs, outputs);
}

// Exports `model` and runs it in a Session on random inputs; the bytes and the Session's outputs.
void ExportAndRun(const TestModel& model, uint32_t seed, std::string* bytes, std::vector<graph::Feed>* feeds,
                  std::vector<graph::Tensor>* expected) {
  ASSERT_TRUE(model.scope.ok()) << model.scope.status();
  absl::StatusOr<std::string> exported = onnx_export::ExportOnnx(model.graph(), model.inputs, model.outputs);
  ASSERT_TRUE(exported.ok()) << exported.status();
  *bytes = *std::move(exported);
  *feeds = RandomFeeds(model, seed);
  std::vector<graph::Output> fetches;
  for (const auto& o : model.outputs) fetches.push_back(o.tensor);
  graph::Session session(model.graph());
  const absl::Status run = session.Run(*feeds, fetches, expected);
  ASSERT_TRUE(run.ok()) << run;
}

// Exports `model`, runs it in a Session and with onnxruntime on the same random inputs, and checks every
// output: f32 within kTolerance, other dtypes exactly. Prints the measured differences.
void VerifyWithOnnxRuntime(const TestModel& model, const std::string& tag, uint32_t seed) {
  if (const std::string missing = OnnxRuntimeMissing(); !missing.empty()) GTEST_SKIP() << missing;
  std::string bytes;
  std::vector<graph::Feed> feeds;
  std::vector<graph::Tensor> expected;
  ASSERT_NO_FATAL_FAILURE(ExportAndRun(model, seed, &bytes, &feeds, &expected));
  const fs::path dir = WriteModelCase(tag, bytes, model, feeds, expected);
  ASSERT_FALSE(dir.empty());
  ScriptResult r = RunCompareScript(Quote((dir / "model.onnx").string()) + " " + Quote(dir.string()) + " " +
                                    std::to_string(kTolerance));
  EXPECT_EQ(r.exit_code, 0) << r.report;
  for (size_t i = 0; i < model.outputs.size(); ++i) {
    const std::string& name = model.outputs[i].name;
    ASSERT_TRUE(r.diffs.contains(name)) << name << " missing from:\n" << r.report;
    if (expected[i].dtype() == graph::DType::kFloat32) {
      EXPECT_LE(r.diffs[name], kTolerance) << name;
    } else {
      EXPECT_EQ(r.diffs[name], 0.0) << name << " must match exactly";
    }
  }
  std::cout << "[" << tag << "] onnxruntime vs Session over " << r.diffs.size()
            << " outputs: largest f32 max-abs-diff " << r.worst_float << "\n";
  for (const auto& [name, diff] : r.diffs) std::cout << "  " << name << ": " << diff << "\n";
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

TEST(OnnxRuntimeTest, MlpMatchesSession) { VerifyWithOnnxRuntime(BuildMlp(), "mlp", 101); }

TEST(OnnxRuntimeTest, CnnMatchesSession) { VerifyWithOnnxRuntime(BuildCnn(), "cnn", 103); }

TEST(OnnxRuntimeTest, ConvVariantsMatchSession) {
  VerifyWithOnnxRuntime(BuildConvVariants(), "conv_variants", 107);
}

TEST(OnnxRuntimeTest, EveryOpFamilyMatchesSession) { VerifyWithOnnxRuntime(BuildEveryOp(), "every_op", 109); }

TEST(OnnxRuntimeTest, UnknownHeightAndWidthMatchSession) {
  VerifyWithOnnxRuntime(BuildDynamicSpatial(), "dynamic_spatial", 113);
}

// The script itself: a wrong expected value fails (exit 1) with its difference reported; a looser tolerance
// accepts it; unusable arguments or manifests are usage errors (exit 2).
TEST(CompareOnnxRuntimeScriptTest, FlagsDifferencesAndUsageErrors) {
  if (const std::string missing = OnnxRuntimeMissing(); !missing.empty()) GTEST_SKIP() << missing;
  TestModel model;
  graph::Output x = model.Input("x", graph::DType::kFloat32, {-1, 3}, {{kBatch, 3}});
  model.AddOutput("y", graph::ops::Mul(model.scope, x, 2.0f));
  std::string bytes;
  std::vector<graph::Feed> feeds;
  std::vector<graph::Tensor> expected;
  ASSERT_NO_FATAL_FAILURE(ExportAndRun(model, 5, &bytes, &feeds, &expected));
  expected[0].data<float>()[4] += 1e-3f;
  const fs::path dir = WriteModelCase("script", bytes, model, feeds, expected);
  ASSERT_FALSE(dir.empty());
  const std::string model_arg = Quote((dir / "model.onnx").string());
  const std::string manifest_arg = Quote((dir / "manifest.json").string());

  ScriptResult strict = RunCompareScript(model_arg + " " + manifest_arg);  // default tolerance 1e-4
  EXPECT_EQ(strict.exit_code, 1) << strict.report;
  EXPECT_NEAR(strict.diffs["y"], 1e-3, 1e-6) << strict.report;
  EXPECT_THAT(strict.report, ::testing::HasSubstr("exceeds the tolerance"));
  EXPECT_EQ(RunCompareScript(model_arg + " " + manifest_arg + " 1e-2").exit_code, 0);

  EXPECT_EQ(RunCompareScript(model_arg).exit_code, 2);
  EXPECT_EQ(RunCompareScript(model_arg + " " + manifest_arg + " -1").exit_code, 2);
  EXPECT_EQ(RunCompareScript(model_arg + " " + Quote((dir / "missing.json").string())).exit_code, 2);
  std::ofstream(dir / "output_0.bin", std::ios::binary).write("abc", 3);  // wrong size for [7,3] f32
  ScriptResult truncated = RunCompareScript(model_arg + " " + manifest_arg);
  EXPECT_EQ(truncated.exit_code, 2) << truncated.report;
  EXPECT_THAT(truncated.report, ::testing::HasSubstr("has 3 bytes"));
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace onnx_test
