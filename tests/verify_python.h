// The python that runs the tests' independent readers (onnxruntime for ONNX exports, TensorBoard's event
// reader for summaries): a virtual environment holding the PyPI wheels pinned in
// tools/requirements-verify.txt, made by `bash scripts/dev.sh setup`. Tests that need a reader skip, with the
// reason, when it is missing; they never reach the network. Header-only, so that every test program can use
// it.
#ifndef TESTS_VERIFY_PYTHON_H_
#define TESTS_VERIFY_PYTHON_H_

#include <stdio.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <vector>

namespace verify_python {

struct CommandResult {
  int exit_code = -1;  // -1 when the command could not run or was killed by a signal
  std::string output;  // stdout and stderr
};

// Runs `command` with /bin/sh and collects its stdout and stderr. Blocks until it ends.
inline CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    result.output = "cannot run " + command;
    return result;
  }
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) result.output.append(buffer, n);
  const int status = pclose(pipe);
  if (status != -1 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

// `s` as one word of a shell command: in single quotes, each ' inside written as '\''.
inline std::string Quote(const std::string& s) {
  std::string quoted = "'";
  for (char c : s) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The python to run the readers with: $ESTIMATOR_VERIFY_PYTHON when set; else pyenv/bin/python of the build
// tree this test program was built in (<build>/tests/<program>, so any BUILD_DIR of scripts/dev.sh works)
// when it exists; else <source>/build/pyenv/bin/python.
inline std::string PythonPath() {
  if (const char* env = std::getenv("ESTIMATOR_VERIFY_PYTHON"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::filesystem::path own = exe.parent_path().parent_path() / "pyenv/bin/python";
    if (std::filesystem::exists(own, ec)) return own.string();
  }
  return std::string(ESTIMATOR_SOURCE_DIR) + "/build/pyenv/bin/python";
}

// "" when PythonPath() imports every module of `modules`; otherwise what is missing, why, and how to install
// it (the message of the tests that skip). Runs that python once per set of modules and process.
inline std::string MissingReason(const std::vector<std::string>& modules) {
  static std::map<std::vector<std::string>, std::string> cache;
  if (auto it = cache.find(modules); it != cache.end()) return it->second;
  std::string names, imports;
  for (size_t i = 0; i < modules.size(); ++i) {
    names += (i == 0 ? "" : i + 1 == modules.size() ? " and " : ", ") + modules[i];
    imports += (i == 0 ? "import " : ", ") + modules[i];
  }
  const std::string python = PythonPath();
  std::string why;
  std::error_code ec;
  if (!std::filesystem::exists(python, ec)) {
    why = python + " does not exist";
  } else {
    CommandResult r = RunCommand(Quote(python) + " -c " + Quote(imports));
    if (r.exit_code != 0) {
      while (!r.output.empty() && r.output.back() == '\n') r.output.pop_back();
      const size_t last_line = r.output.rfind('\n');
      why = python + " cannot import them (" +
            (last_line == std::string::npos ? r.output : r.output.substr(last_line + 1)) + ")";
    }
  }
  std::string& reason = cache[modules];
  if (!why.empty()) {
    reason =
        "independent reader missing: " + names + " not available: " + why +
        ". Install them with `bash scripts/dev.sh setup` in the source tree (a virtual environment in "
        "build/pyenv with the wheels of tools/requirements-verify.txt), or set ESTIMATOR_VERIFY_PYTHON to "
        "a python that has them";
  }
  return reason;
}

// Runs <source>/tools/<script> with PythonPath() and `args` (each already quoted).
inline CommandResult RunScript(const std::string& script, const std::string& args) {
  return RunCommand(Quote(PythonPath()) + " " +
                    Quote(std::string(ESTIMATOR_SOURCE_DIR) + "/tools/" + script) + " " + args);
}

}  // namespace verify_python

#endif  // TESTS_VERIFY_PYTHON_H_
