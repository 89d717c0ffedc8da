// The model registry: registration, lookup, duplicates, the static registrar and the built-in models.
#include "estimator/model_registry.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "models/builtin_models.h"

namespace estimator {
namespace {

using ::testing::HasSubstr;

EstimatorSpec EmptyModel(const Features&, const Labels&, Mode mode, const Params&) {
  EstimatorSpec spec;
  spec.mode = mode;
  return spec;
}

ESTIMATOR_REGISTER_MODEL("registry_test_macro_model", EmptyModel);

TEST(ModelRegistryTest, MacroRegistersAtStartup) {
  auto fn = FindModel("registry_test_macro_model");
  ASSERT_TRUE(fn.ok()) << fn.status();
  EXPECT_TRUE(static_cast<bool>(*fn));
  EXPECT_THAT(ModelNames(), ::testing::Contains("registry_test_macro_model"));
}

TEST(ModelRegistryTest, RegisterFindAndSortedNames) {
  ASSERT_TRUE(RegisterModel("registry_test_zeta", EmptyModel, "z.cc", 1).ok());
  ASSERT_TRUE(RegisterModel("registry_test_alpha", EmptyModel, "a.cc", 2).ok());
  EXPECT_TRUE(FindModel("registry_test_zeta").ok());
  const std::vector<std::string> names = ModelNames();
  auto a = std::find(names.begin(), names.end(), "registry_test_alpha");
  auto z = std::find(names.begin(), names.end(), "registry_test_zeta");
  ASSERT_NE(a, names.end());
  ASSERT_NE(z, names.end());
  EXPECT_LT(a, z);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST(ModelRegistryTest, DuplicateNamesBothPlaces) {
  ASSERT_TRUE(RegisterModel("registry_test_dup", EmptyModel, "first.cc", 10).ok());
  absl::Status st = RegisterModel("registry_test_dup", EmptyModel, "second.cc", 20);
  EXPECT_EQ(st.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(st.message(), HasSubstr("'registry_test_dup' is registered twice"));
  EXPECT_THAT(st.message(), HasSubstr("first.cc:10"));
  EXPECT_THAT(st.message(), HasSubstr("second.cc:20"));
}

TEST(ModelRegistryTest, InvalidRegistrations) {
  EXPECT_EQ(RegisterModel("", EmptyModel).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RegisterModel("registry_test_null", nullptr).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(FindModel("registry_test_null").ok());
}

TEST(ModelRegistryTest, UnknownListsRegistered) {
  auto fn = FindModel("registry_test_no_such_model");
  EXPECT_EQ(fn.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(fn.status().message(), HasSubstr("unknown model 'registry_test_no_such_model'"));
  EXPECT_THAT(fn.status().message(), HasSubstr("registry_test_macro_model"));
}

TEST(ModelRegistryTest, StaticDuplicateIsKeptForStartup) {
  ModelRegistrar first("registry_test_static_dup", EmptyModel, "one.cc", 3);
  ModelRegistrar second("registry_test_static_dup", EmptyModel, "two.cc", 4);
  absl::Status st = RegistrationStatus();
  EXPECT_EQ(st.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(st.message(), HasSubstr("one.cc:3"));
  EXPECT_THAT(st.message(), HasSubstr("two.cc:4"));
}

TEST(ModelRegistryTest, BuiltinModelsIdempotent) {
  ASSERT_TRUE(models::RegisterBuiltinModels().ok());
  ASSERT_TRUE(models::RegisterBuiltinModels().ok());
  for (const char* name : {"fashion_mnist_mlp", "fashion_mnist_cnn", "dnn_classifier", "linear_classifier",
                           "linear_regressor"}) {
    EXPECT_TRUE(FindModel(name).ok()) << name;
  }
}

}  // namespace
}  // namespace estimator
