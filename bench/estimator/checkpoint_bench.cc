// Times saving and restoring a 100 MB checkpoint (25 f32 tensors of 1M elements) through CheckpointManager,
// including fsync of the file, the index and the directory. Usage: checkpoint_bench [dir] [repetitions].
// Prints the median and the range of each measurement.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "estimator/checkpoint_manager.h"
#include "estimator/crc32c.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Report(const char* what, std::vector<double> seconds, double megabytes) {
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds[seconds.size() / 2];
  std::printf("%-26s median %8.4f s  (min %.4f, max %.4f)  %7.0f MB/s\n", what, median, seconds.front(),
              seconds.back(), megabytes / median);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "checkpoint_bench_dir";
  const int repetitions = argc > 2 ? std::max(1, std::atoi(argv[2])) : 9;
  std::filesystem::remove_all(dir);

  std::vector<std::pair<std::string, graph::Tensor>> tensors;
  for (int i = 0; i < 25; ++i) {
    graph::Tensor t(graph::DType::kFloat32, graph::Shape{1000, 1000});
    float* p = t.data<float>();
    for (int64_t j = 0; j < t.num_elements(); ++j) p[j] = static_cast<float>(i * 31 + j % 977) * 0.001f;
    tensors.emplace_back("layer_" + std::to_string(i) + "/kernel", std::move(t));
  }
  const double megabytes = 25 * 4e6 / 1e6;

  std::vector<double> crc_times;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    uint32_t crc = 0;
    for (const auto& [name, t] : tensors) crc ^= estimator::Crc32c(t.raw_data(), t.nbytes());
    crc_times.push_back(Seconds(start));
    if (crc == 0x12345678u) std::printf("(unlikely crc)\n");
  }

  estimator::CheckpointManagerOptions options;
  options.keep_checkpoint_max = 3;
  estimator::CheckpointManager manager(dir, options);
  std::vector<double> save_times, restore_times;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<estimator::SaveResult> saved = manager.Save(r, tensors, {{"bench", "1"}});
    save_times.push_back(Seconds(start));
    if (!saved.ok()) {
      std::fprintf(stderr, "save failed: %s\n", std::string(saved.status().message()).c_str());
      return 1;
    }
  }
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<estimator::RestoredCheckpoint> restored = manager.LatestValid();
    restore_times.push_back(Seconds(start));
    if (!restored.ok() || restored->file.tensors.size() != 25) {
      std::fprintf(stderr, "restore failed: %s\n", std::string(restored.status().message()).c_str());
      return 1;
    }
  }
  std::printf("100 MB checkpoint, %d repetitions, dir %s, crc32c %s\n", repetitions, dir.c_str(),
              estimator::Crc32cHardwareAvailable() ? "sse4.2" : "portable");
  Report("crc32c of all tensors", crc_times, megabytes);
  Report("Save (write+fsync+index)", save_times, megabytes);
  Report("LatestValid (read+verify)", restore_times, megabytes);
  std::filesystem::remove_all(dir);
  return 0;
}
