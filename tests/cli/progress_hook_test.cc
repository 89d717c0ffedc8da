// The progress line: its text, when it is written, and the terminal form.
#include "cli/progress_hook.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cli {
namespace {

using ::testing::HasSubstr;

// Runs `hook` through steps 1..steps, `seconds_per_step` and 32 examples per step, loss 0.5.
void Drive(ProgressHook& hook, int64_t steps, double seconds_per_step = 0.1) {
  estimator::HookContext ctx;
  ASSERT_TRUE(hook.Begin(ctx).ok());
  for (int64_t i = 1; i <= steps; ++i) {
    ctx.global_step = i;
    ctx.batch_size = 32;
    ctx.loss = 0.5f;
    ctx.wall_seconds = seconds_per_step * static_cast<double>(i);
    bool stop = false;
    ASSERT_TRUE(hook.AfterRun(ctx, {}, &stop).ok());
    EXPECT_FALSE(stop);
  }
  ASSERT_TRUE(hook.End(ctx).ok());
}

TEST(FormatDurationTest, Units) {
  EXPECT_EQ(FormatDuration(42.4), "42s");
  EXPECT_EQ(FormatDuration(65), "1m05s");
  EXPECT_EQ(FormatDuration(3720), "1h02m");
  EXPECT_EQ(FormatDuration(-1), "?");
}

TEST(ProgressHookTest, PlainLinesEveryNSteps) {
  std::ostringstream os;
  Console console(&os, /*terminal=*/false);
  ProgressHook hook(&console, /*total_steps=*/100, /*steps_per_call=*/0, /*every_n_steps=*/10);
  Drive(hook, 20);
  // Step 10: 320 examples in 1.0 s; 90 steps left at 0.1 s each.
  EXPECT_EQ(os.str(),
            "step 10/100 (10%)  loss 0.5  320 examples/s  ETA 9s\n"
            "step 20/100 (20%)  loss 0.5  320 examples/s  ETA 8s\n");
}

TEST(ProgressHookTest, StepsPerCallCapTheTotal) {
  std::ostringstream os;
  Console console(&os, false);
  ProgressHook hook(&console, /*total_steps=*/0, /*steps_per_call=*/40, /*every_n_steps=*/20);
  Drive(hook, 20);
  EXPECT_EQ(hook.total_steps(), 40);
  EXPECT_EQ(os.str(), "step 20/40 (50%)  loss 0.5  320 examples/s  ETA 2s\n");
}

TEST(ProgressHookTest, UnknownTotalHasNoEta) {
  std::ostringstream os;
  Console console(&os, false);
  ProgressHook hook(&console, 0, 0, 5);
  Drive(hook, 5);
  EXPECT_EQ(os.str(), "step 5  loss 0.5  320 examples/s\n");
}

TEST(ProgressHookTest, TerminalRewritesOneLine) {
  std::ostringstream os;
  Console console(&os, /*terminal=*/true);
  ProgressHook hook(&console, 101, 0, 10);
  Drive(hook, 3, /*seconds_per_step=*/0.5);
  const std::string s = os.str();
  // Drawn after every step (0.5 s apart) and again at End; then one newline.
  EXPECT_EQ(std::count(s.begin(), s.end(), '\r'), 4);
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 1);
  // 96 examples in 1.5 s; 98 steps left at 0.5 s each.
  EXPECT_THAT(s, HasSubstr("\rstep 3/101 (2%)  loss 0.5  64 examples/s  ETA 49s\033[K\n"));
}

TEST(ConsoleTest, LineClearsTheLiveLine) {
  std::ostringstream os;
  Console console(&os, true);
  console.Status("working");
  console.Line("saved");
  console.Status("still working");
  console.Finish();
  EXPECT_EQ(os.str(), "\rworking\033[K\r\033[Ksaved\n\rstill working\033[K\n");
}

}  // namespace
}  // namespace cli
