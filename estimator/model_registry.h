// The model registry: model functions registered by name, so a YAML config's `model.name` picks the
// model_fn the `estimator` command builds.
//
//   estimator::EstimatorSpec MyModel(const Features&, const Labels&, Mode, const Params&);
//   ESTIMATOR_REGISTER_MODEL("my_model", MyModel);
//
// The macro defines a static registrar object, so it belongs in a source file that is linked into the
// executable directly (an object file of a static library that nothing else references is dropped by the
// linker, and its registration with it). Libraries of models register them from a function the program
// calls explicitly instead (see models/builtin_models.h).
#ifndef ESTIMATOR_MODEL_REGISTRY_H_
#define ESTIMATOR_MODEL_REGISTRY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datasets/dataset.h"
#include "estimator/model_fn.h"

namespace estimator {

// Registers `fn` under `name`. `file` and `line` say where (for messages about duplicates). Errors: an
// empty name or a null fn (InvalidArgument), a name already registered (AlreadyExists naming both places);
// the registry is unchanged then. Thread-safe.
absl::Status RegisterModel(const std::string& name, ModelFn fn, const char* file = "", int line = 0);

// The model function registered as `name`; NotFound listing the registered names otherwise. Thread-safe.
absl::StatusOr<ModelFn> FindModel(const std::string& name);

// Every registered name, sorted. Thread-safe.
std::vector<std::string> ModelNames();

// The first error met by a static registration (ModelRegistrar), e.g. a duplicate name; OK if none.
// Programs check it at startup, before using the registry. Thread-safe.
absl::Status RegistrationStatus();

// Registers a model when constructed; a failure is kept for RegistrationStatus() (and never aborts).
class ModelRegistrar {
 public:
  ModelRegistrar(const char* name, ModelFn fn, const char* file, int line);
  // Calls `register_all` (e.g. a library's function registering its models with RegisterModel) and keeps
  // its error, if any, for RegistrationStatus().
  explicit ModelRegistrar(absl::Status (*register_all)());
};

// ---- input functions ----
// A C++ input source a config can name instead of a declarative one (`input: {source: input_fn, name: ...}`):
// it returns a dataset of single examples; the config's map presets, cache, shuffle, batch, repeat and
// prefetch are applied after it.
using InputSourceFn = std::function<datasets::Dataset()>;

// Registers `fn` under `name`; same errors as RegisterModel. Thread-safe.
absl::Status RegisterInputFn(const std::string& name, InputSourceFn fn, const char* file = "", int line = 0);
// The input function registered as `name`; NotFound listing the registered names otherwise. Thread-safe.
absl::StatusOr<InputSourceFn> FindInputFn(const std::string& name);
// Every registered input-function name, sorted. Thread-safe.
std::vector<std::string> InputFnNames();

// Registers an input function when constructed; a failure is kept for RegistrationStatus().
class InputFnRegistrar {
 public:
  InputFnRegistrar(const char* name, InputSourceFn fn, const char* file, int line);
};

// Removes every registration and the recorded error. For tests only; not to be called while another thread
// uses the registry.
void ClearModelRegistryForTesting();

}  // namespace estimator

#define ESTIMATOR_REGISTRY_CONCAT_INNER(a, b) a##b
#define ESTIMATOR_REGISTRY_CONCAT(a, b) ESTIMATOR_REGISTRY_CONCAT_INNER(a, b)

// Registers `fn` (a ModelFn, e.g. a function name) as `name` (a string literal) at program start.
#define ESTIMATOR_REGISTER_MODEL(name, fn)                            \
  static const ::estimator::ModelRegistrar ESTIMATOR_REGISTRY_CONCAT( \
      estimator_model_registrar_, __COUNTER__)(name, fn, __FILE__, __LINE__)

// Registers `fn` (returning a datasets::Dataset of single examples) as input function `name` at program
// start.
#define ESTIMATOR_REGISTER_INPUT_FN(name, fn)                           \
  static const ::estimator::InputFnRegistrar ESTIMATOR_REGISTRY_CONCAT( \
      estimator_input_fn_registrar_, __COUNTER__)(name, fn, __FILE__, __LINE__)

#endif  // ESTIMATOR_MODEL_REGISTRY_H_
