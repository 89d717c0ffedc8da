#include "estimator/checkpoint_manager.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "estimator/atomic_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace estimator {
namespace {

using graph::DType;
using graph::Shape;
using graph::Tensor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CheckpointManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::path(::testing::TempDir()) /
            (std::string("ckpt_") + ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override {
    SetAtomicWriteHookForTesting(nullptr);
    std::filesystem::remove_all(dir_);
  }

  CheckpointManagerOptions Options(int keep_max, double hours = 10000) {
    CheckpointManagerOptions options;
    options.keep_checkpoint_max = keep_max;
    options.keep_checkpoint_every_n_hours = hours;
    options.clock = [this] { return now_; };
    return options;
  }
  // A checkpoint whose single tensor "w" holds `value` twice, plus global_step.
  static std::vector<std::pair<std::string, Tensor>> Vars(float value, int64_t step) {
    return {{"w", Tensor::Of<float>({value, value}, {2})}, {"global_step", Tensor::Scalar<int64_t>(step)}};
  }
  std::string File(int64_t step) const {
    return dir_ + "/model.ckpt-" + std::to_string(step) + ".safetensors";
  }
  static std::vector<int64_t> Steps(const CheckpointList& list) {
    std::vector<int64_t> steps;
    for (const CheckpointInfo& c : list.checkpoints) steps.push_back(c.step);
    return steps;
  }

  std::string dir_;
  double now_ = 0;
};

TEST_F(CheckpointManagerTest, SaveWritesCheckpointAndIndex) {
  CheckpointManager manager(dir_, Options(5));
  now_ = 100;
  ASSERT_TRUE(manager.Save(10, Vars(1, 10), {{"input", "epoch=1"}}).ok());
  now_ = 250.5;
  absl::StatusOr<SaveResult> saved = manager.Save(20, Vars(2, 20));
  ASSERT_TRUE(saved.ok()) << saved.status();
  EXPECT_EQ(saved->path, File(20));
  EXPECT_TRUE(saved->deleted.empty());
  EXPECT_EQ(saved->warning, "");

  nlohmann::json index = nlohmann::json::parse(*ReadFileToString(dir_ + "/checkpoint"));
  EXPECT_EQ(index["latest"], "model.ckpt-20.safetensors");
  EXPECT_EQ(index["all"], nlohmann::json({"model.ckpt-10.safetensors", "model.ckpt-20.safetensors"}));
  EXPECT_EQ(index["timestamps"]["model.ckpt-10.safetensors"], 100.0);
  EXPECT_EQ(index["timestamps"]["model.ckpt-20.safetensors"], 250.5);

  absl::StatusOr<SafetensorsFile> first = manager.Restore("model.ckpt-10.safetensors");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->tensors.at("w").ToVector<float>(), (std::vector<float>{1, 1}));
  EXPECT_EQ(first->metadata.at("input"), "epoch=1");
  absl::StatusOr<RestoredCheckpoint> latest = manager.LatestValid();
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(latest->info.step, 20);
  EXPECT_EQ(latest->file.tensors.at("global_step").ToVector<int64_t>(), std::vector<int64_t>{20});
  EXPECT_TRUE(latest->skipped.empty());
}

TEST_F(CheckpointManagerTest, RetentionKeepsTheNewestMax) {
  CheckpointManager manager(dir_, Options(2));
  for (int64_t step = 1; step <= 3; ++step) ASSERT_TRUE(manager.Save(step, Vars(1, step)).ok());
  absl::StatusOr<SaveResult> saved = manager.Save(4, Vars(1, 4));
  ASSERT_TRUE(saved.ok());
  EXPECT_THAT(saved->deleted, ElementsAre(File(2)));
  EXPECT_FALSE(std::filesystem::exists(File(1)));
  EXPECT_FALSE(std::filesystem::exists(File(2)));
  EXPECT_TRUE(std::filesystem::exists(File(3)));
  EXPECT_THAT(Steps(*manager.All()), ElementsAre(3, 4));
  // Saving a kept step again replaces it without counting twice.
  ASSERT_TRUE(manager.Save(4, Vars(9, 4)).ok());
  EXPECT_THAT(Steps(*manager.All()), ElementsAre(3, 4));
  EXPECT_EQ(manager.Restore(File(4))->tensors.at("w").ToVector<float>(), (std::vector<float>{9, 9}));
}

TEST_F(CheckpointManagerTest, KeepEveryNHoursPreservesOnePerPeriod) {
  now_ = 0;  // The manager's creation time starts the first period.
  CheckpointManager manager(dir_, Options(2, /*hours=*/1));
  for (int64_t step = 1; step <= 10; ++step) {
    now_ = 1000.0 * static_cast<double>(step);
    ASSERT_TRUE(manager.Save(step, Vars(1, step)).ok());
  }
  // Step 4 (t=4000) is the first doomed one >= 3600 s after t=0; step 8 (t=8000) the first >= 3600 s after
  // it.
  CheckpointList list = *manager.All();
  EXPECT_THAT(Steps(list), ElementsAre(4, 8, 9, 10));
  EXPECT_TRUE(list.checkpoints[0].preserved);
  EXPECT_TRUE(list.checkpoints[1].preserved);
  EXPECT_FALSE(list.checkpoints[2].preserved);
  for (int64_t step : {1, 2, 3, 5, 6, 7}) EXPECT_FALSE(std::filesystem::exists(File(step))) << step;
  for (int64_t step : {4, 8, 9, 10}) EXPECT_TRUE(std::filesystem::exists(File(step))) << step;
}

TEST_F(CheckpointManagerTest, FallsBackFromTruncatedOrCorruptLatest) {
  CheckpointManager manager(dir_, Options(5));
  for (int64_t step = 1; step <= 3; ++step)
    ASSERT_TRUE(manager.Save(step, Vars(static_cast<float>(step), step)).ok());
  std::filesystem::resize_file(File(3), std::filesystem::file_size(File(3)) - 4);
  absl::StatusOr<RestoredCheckpoint> latest = manager.LatestValid();
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(latest->info.step, 2);
  EXPECT_EQ(latest->file.tensors.at("w").ToVector<float>(), (std::vector<float>{2, 2}));
  ASSERT_EQ(latest->skipped.size(), 1u);
  EXPECT_EQ(latest->skipped[0].path, File(3));
  EXPECT_THAT(latest->skipped[0].reason.message(), HasSubstr("exceed the data section"));

  // A flipped data byte in step 2 (its last byte belongs to "w") makes it fall back once more.
  std::string bytes = *ReadFileToString(File(2));
  bytes.back() ^= 0x40;
  std::ofstream(File(2), std::ios::binary | std::ios::trunc) << bytes;
  latest = manager.LatestValid();
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(latest->info.step, 1);
  ASSERT_EQ(latest->skipped.size(), 2u);
  EXPECT_EQ(latest->skipped[1].reason.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(latest->skipped[1].reason.message(), HasSubstr("tensor 'w' checksum mismatch"));

  std::filesystem::remove(File(1));
  absl::Status none = manager.LatestValid().status();
  EXPECT_EQ(none.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(none.message(), HasSubstr("cannot open " + File(1)));
}

TEST_F(CheckpointManagerTest, EmptyDirectoryHasNoCheckpoint) {
  CheckpointManager manager(dir_, Options(5));
  EXPECT_EQ(manager.LatestValid().status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(manager.All()->checkpoints.empty());
  EXPECT_EQ(manager.All()->index_problem, "");
}

TEST_F(CheckpointManagerTest, RebuildsMissingOrGarbledIndexByScanning) {
  CheckpointManager manager(dir_, Options(5));
  ASSERT_TRUE(manager.Save(12, Vars(1, 12)).ok());
  ASSERT_TRUE(manager.Save(5, Vars(1, 5)).ok());
  std::ofstream(dir_ + "/model.ckpt-7.safetensors.tmp-99") << "partial";
  std::filesystem::remove(dir_ + "/checkpoint");
  CheckpointList list = *manager.All();
  EXPECT_THAT(Steps(list), ElementsAre(5, 12));
  EXPECT_EQ(list.index_problem, "checkpoint index " + dir_ +
                                    "/checkpoint is missing; rebuilt from 2 checkpoint files in " + dir_);

  std::ofstream(dir_ + "/checkpoint") << "{\"all\": 3}";
  list = *manager.All();
  EXPECT_THAT(Steps(list), ElementsAre(5, 12));
  EXPECT_THAT(list.index_problem, HasSubstr("is garbled (\"all\" is not a list); rebuilt from 2"));
  absl::StatusOr<RestoredCheckpoint> latest = manager.LatestValid();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->info.step, 12);
  EXPECT_THAT(latest->index_problem, HasSubstr("garbled"));

  absl::StatusOr<SaveResult> saved = manager.Save(20, Vars(1, 20));
  ASSERT_TRUE(saved.ok());
  EXPECT_THAT(saved->warning, HasSubstr("garbled"));
  list = *manager.All();
  EXPECT_EQ(list.index_problem, "");
  EXPECT_THAT(Steps(list), ElementsAre(5, 12, 20));
}

TEST_F(CheckpointManagerTest, FailedWritesLeaveEverythingSavedIntact) {
  CheckpointManager manager(dir_, Options(5));
  ASSERT_TRUE(manager.Save(1, Vars(1, 1)).ok());
  const std::string index_before = *ReadFileToString(dir_ + "/checkpoint");
  for (AtomicWriteStep step : {AtomicWriteStep::kAfterWrite, AtomicWriteStep::kAfterSync}) {
    SetAtomicWriteHookForTesting([step](AtomicWriteStep at, const std::string&) {
      return at == step ? absl::UnavailableError("disk went away") : absl::OkStatus();
    });
    absl::StatusOr<SaveResult> saved = manager.Save(1, Vars(5, 1));
    EXPECT_EQ(saved.status().code(), absl::StatusCode::kUnavailable);
  }
  // The index write alone fails: the new checkpoint is never listed.
  SetAtomicWriteHookForTesting([](AtomicWriteStep at, const std::string& path) {
    return at == AtomicWriteStep::kAfterWrite && path.ends_with("/checkpoint")
               ? absl::UnavailableError("full")
               : absl::OkStatus();
  });
  EXPECT_FALSE(manager.Save(2, Vars(2, 2)).ok());
  SetAtomicWriteHookForTesting(nullptr);

  EXPECT_EQ(*ReadFileToString(dir_ + "/checkpoint"), index_before);
  EXPECT_EQ(manager.Restore(File(1))->tensors.at("w").ToVector<float>(), (std::vector<float>{1, 1}));
  EXPECT_THAT(Steps(*manager.All()), ElementsAre(1));
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << entry.path();
  }
}

TEST_F(CheckpointManagerTest, InvalidOptionsAndStepsAreRejected) {
  EXPECT_THAT(CheckpointManager(dir_, Options(-1)).Save(1, Vars(1, 1)).status().message(),
              HasSubstr("keep_checkpoint_max must be >= 0, got -1"));
  EXPECT_THAT(CheckpointManager(dir_, Options(5, 0)).Save(1, Vars(1, 1)).status().message(),
              HasSubstr("keep_checkpoint_every_n_hours must be > 0"));
  EXPECT_EQ(CheckpointManager(dir_, Options(5)).Save(-3, Vars(1, 1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

SafetensorsFile ModelCheckpoint() {
  SafetensorsFile ckpt;
  ckpt.path = "ckpt.safetensors";
  ckpt.tensors["dense/kernel"] = Tensor(DType::kFloat32, Shape{4, 3});
  ckpt.tensors["dense/bias"] = Tensor(DType::kFloat32, Shape{3});
  ckpt.tensors["extra"] = Tensor(DType::kFloat32, Shape{2});
  ckpt.tensors["step"] = Tensor(DType::kInt32, Shape{});
  ckpt.tensors["head/w"] = Tensor(DType::kFloat32, Shape{3});
  return ckpt;
}

TEST(CheckCompatibleTest, ListsEveryMismatchWithBothTypes) {
  const SafetensorsFile ckpt = ModelCheckpoint();
  absl::Status status = CheckCompatible(ckpt, {{"dense/kernel", {DType::kFloat32, Shape{4, 2}}},
                                               {"dense/bias", {DType::kFloat32, Shape{-1}}},
                                               {"global_step", {DType::kInt64, Shape{}}},
                                               {"step", {DType::kInt64, Shape{}}},
                                               {"head/w", {DType::kFloat32, Shape{3}}}});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "checkpoint ckpt.safetensors does not match the model: 1 missing, 1 unexpected, 2 mismatched\n"
            "  missing from checkpoint: global_step (model i64[])\n"
            "  not in model: extra (checkpoint f32[2])\n"
            "  mismatched: dense/kernel: checkpoint f32[4,3], model f32[4,2]\n"
            "  mismatched: step: checkpoint i32[], model i64[]");
  EXPECT_TRUE(CheckCompatible(ckpt, {{"dense/kernel", {DType::kFloat32, Shape{4, 3}}},
                                     {"dense/bias", {DType::kFloat32, Shape{3}}},
                                     {"extra", {DType::kFloat32, Shape{-1}}},
                                     {"step", {DType::kInt32, Shape{}}},
                                     {"head/w", {DType::kFloat32, Shape{3}}}})
                  .ok());
}

std::vector<std::string> Names(const std::map<std::string, Tensor>& m) {
  std::vector<std::string> names;
  for (const auto& [name, tensor] : m) names.push_back(name);
  return names;
}

TEST(WarmStartTest, SelectsByGlobOrRegexAndRenames) {
  const SafetensorsFile ckpt = ModelCheckpoint();
  WarmStartOptions glob;
  glob.patterns = {"dense/*", "*w"};
  absl::StatusOr<std::map<std::string, Tensor>> picked = SelectWarmStartTensors(ckpt, glob);
  ASSERT_TRUE(picked.ok()) << picked.status();
  EXPECT_THAT(Names(*picked), ElementsAre("dense/bias", "dense/kernel", "head/w"));
  EXPECT_TRUE(picked->at("dense/kernel").SharesBufferWith(ckpt.tensors.at("dense/kernel")));

  WarmStartOptions regex;
  regex.syntax = WarmStartOptions::Syntax::kRegex;
  regex.patterns = {"dense/(kernel|bias)"};
  regex.rename_prefixes = {{"dense/", "encoder/dense/"}, {"dense/k", "K/"}};
  picked = SelectWarmStartTensors(ckpt, regex);
  ASSERT_TRUE(picked.ok()) << picked.status();
  EXPECT_THAT(Names(*picked), ElementsAre("K/ernel", "encoder/dense/bias"));

  regex.patterns = {"dense"};  // Full match only: "dense" alone names no tensor.
  EXPECT_THAT(SelectWarmStartTensors(ckpt, regex).status().message(),
              HasSubstr("warm-start pattern 'dense' matches no tensor in ckpt.safetensors"));
  regex.patterns = {"dense/("};
  EXPECT_EQ(SelectWarmStartTensors(ckpt, regex).status().code(), absl::StatusCode::kInvalidArgument);
  glob.patterns = {"dense/*"};
  glob.rename_prefixes = {{"dense/kernel", "x"}, {"dense/bias", "x"}};
  EXPECT_THAT(SelectWarmStartTensors(ckpt, glob).status().message(), HasSubstr("are both renamed to 'x'"));
}

}  // namespace
}  // namespace estimator
