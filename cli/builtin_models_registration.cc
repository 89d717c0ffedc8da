// Part of the `estimator` executable itself (not of a library, so the linker keeps it): registers the
// built-in models before main() runs. A failure is reported by main() through RegistrationStatus().
#include "estimator/model_registry.h"
#include "models/builtin_models.h"

namespace {

const estimator::ModelRegistrar kBuiltinModels(models::RegisterBuiltinModels);

}  // namespace
