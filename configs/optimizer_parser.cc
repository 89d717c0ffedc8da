// Reading of the optimizer block and learning-rate schedules from the config tree.
#include <algorithm>
#include <memory>
#include <optional>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "configs/section_parsers.h"
#include "layers/adagrad.h"
#include "layers/adam.h"
#include "layers/rmsprop.h"
#include "layers/sgd.h"

namespace configs {
namespace {

// Fills every unset field that applies to `name` with the optimizer's own default; returns its default rate.
float ResolveDefaults(const std::string& name, layers::GenericOptimizerOptions* o) {
  auto fill = [](auto& field, auto value) {
    if (!field.has_value()) field = value;
  };
  if (name == "sgd") return layers::SGDOptions{}.learning_rate.value();
  if (name == "momentum") {
    const layers::MomentumOptions d;
    fill(o->momentum, d.momentum);
    fill(o->nesterov, d.nesterov);
    return d.learning_rate.value();
  }
  if (name == "adam" || name == "adamw") {
    const layers::AdamWOptions d;
    fill(o->beta_1, d.adam.beta_1);
    fill(o->beta_2, d.adam.beta_2);
    fill(o->epsilon, d.adam.epsilon);
    fill(o->amsgrad, d.adam.amsgrad);
    if (name == "adamw") fill(o->weight_decay, d.weight_decay);
    return d.adam.learning_rate.value();
  }
  if (name == "adagrad") {
    const layers::AdagradOptions d;
    fill(o->initial_accumulator_value, d.initial_accumulator_value);
    fill(o->epsilon, d.epsilon);
    return d.learning_rate.value();
  }
  const layers::RMSPropOptions d;
  fill(o->rho, d.rho);
  fill(o->momentum, d.momentum);
  fill(o->epsilon, d.epsilon);
  fill(o->centered, d.centered);
  return d.learning_rate.value();
}

absl::Status ReadOptionalFloat(const MapReader& r, const std::string& key, std::optional<float>* out) {
  if (!r.Has(key)) return absl::OkStatus();
  float v = 0;
  CONFIGS_RETURN_IF_ERROR(r.Float(key, &v));
  *out = v;
  return absl::OkStatus();
}

absl::Status ReadOptionalBool(const MapReader& r, const std::string& key, std::optional<bool>* out) {
  if (!r.Has(key)) return absl::OkStatus();
  bool v = false;
  CONFIGS_RETURN_IF_ERROR(r.Bool(key, &v));
  *out = v;
  return absl::OkStatus();
}

absl::Status ParseSchedule(const MapReader& parent, layers::LearningRateScheduleOptions* out) {
  const YamlNode* node = parent.Find("learning_rate");
  const std::string path = parent.PathOf("learning_rate");
  if (node->IsScalar()) {
    absl::StatusOr<double> v = ReadNumber(*node, path, /*single=*/true);
    if (!v.ok()) return v.status();
    *out = static_cast<float>(*v);
  } else if (!node->IsMap()) {
    return ConfigError(node->where, path, "expected a number or a schedule block {type: ..., ...}");
  } else {
    MapReader r(node, path, node->where);
    CONFIGS_RETURN_IF_ERROR(r.Require("type"));
    std::string type;
    CONFIGS_RETURN_IF_ERROR(r.Enum("type", ScheduleTypes(), &type));
    if (type == "constant") {
      CONFIGS_RETURN_IF_ERROR(r.CheckKeys({"type", "value"}));
      CONFIGS_RETURN_IF_ERROR(r.Require("value"));
      float v = 0;
      CONFIGS_RETURN_IF_ERROR(r.Float("value", &v));
      *out = v;
    } else if (type == "exponential_decay") {
      CONFIGS_RETURN_IF_ERROR(
          r.CheckKeys({"type", "initial_learning_rate", "decay_steps", "decay_rate", "staircase"}));
      layers::ExponentialDecayOptions o;
      CONFIGS_RETURN_IF_ERROR(r.Float("initial_learning_rate", &o.initial_learning_rate));
      CONFIGS_RETURN_IF_ERROR(r.Int("decay_steps", &o.decay_steps, 1));
      CONFIGS_RETURN_IF_ERROR(r.Float("decay_rate", &o.decay_rate));
      CONFIGS_RETURN_IF_ERROR(r.Bool("staircase", &o.staircase));
      *out = o;
    } else if (type == "piecewise_constant") {
      CONFIGS_RETURN_IF_ERROR(r.CheckKeys({"type", "boundaries", "values"}));
      layers::PiecewiseConstantOptions o;
      if (const YamlNode* b = r.Find("boundaries"); b != nullptr && !b->IsNull()) {
        if (!b->IsSequence()) return r.Error("boundaries", "expected a list of steps");
        o.boundaries.clear();
        for (const YamlNode& item : b->items) {
          absl::StatusOr<int64_t> v = ReadInt(item, r.PathOf("boundaries"), 0, INT64_MAX);
          if (!v.ok()) return v.status();
          o.boundaries.push_back(*v);
        }
      }
      if (const YamlNode* vs = r.Find("values"); vs != nullptr && !vs->IsNull()) {
        if (!vs->IsSequence()) return r.Error("values", "expected a list of rates");
        o.values.clear();
        for (const YamlNode& item : vs->items) {
          absl::StatusOr<double> v = ReadNumber(item, r.PathOf("values"), /*single=*/true);
          if (!v.ok()) return v.status();
          o.values.push_back(static_cast<float>(*v));
        }
      }
      *out = o;
    } else if (type == "polynomial_decay") {
      CONFIGS_RETURN_IF_ERROR(r.CheckKeys(
          {"type", "initial_learning_rate", "decay_steps", "end_learning_rate", "power", "cycle"}));
      layers::PolynomialDecayOptions o;
      CONFIGS_RETURN_IF_ERROR(r.Float("initial_learning_rate", &o.initial_learning_rate));
      CONFIGS_RETURN_IF_ERROR(r.Int("decay_steps", &o.decay_steps, 1));
      CONFIGS_RETURN_IF_ERROR(r.Float("end_learning_rate", &o.end_learning_rate));
      CONFIGS_RETURN_IF_ERROR(r.Float("power", &o.power));
      CONFIGS_RETURN_IF_ERROR(r.Bool("cycle", &o.cycle));
      *out = o;
    } else {
      CONFIGS_RETURN_IF_ERROR(r.CheckKeys(
          {"type", "initial_learning_rate", "decay_steps", "alpha", "warmup_steps", "warmup_target"}));
      layers::CosineDecayOptions o;
      CONFIGS_RETURN_IF_ERROR(r.Float("initial_learning_rate", &o.initial_learning_rate));
      CONFIGS_RETURN_IF_ERROR(r.Int("decay_steps", &o.decay_steps, 1));
      CONFIGS_RETURN_IF_ERROR(r.Float("alpha", &o.alpha));
      CONFIGS_RETURN_IF_ERROR(r.Int("warmup_steps", &o.warmup_steps, 0));
      CONFIGS_RETURN_IF_ERROR(ReadOptionalFloat(r, "warmup_target", &o.warmup_target));
      *out = o;
    }
  }
  if (absl::Status st = layers::ValidateLearningRateSchedule(*out); !st.ok()) {
    return ConfigError(node->where, path, std::string(st.message()));
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<std::string>& ScheduleTypes() {
  static const auto* names = new std::vector<std::string>{
      "constant", "exponential_decay", "piecewise_constant", "polynomial_decay", "cosine_decay"};
  return *names;
}

const std::vector<std::string>& OptimizerFields(const std::string& name) {
  static const auto* fields = new std::vector<std::pair<std::string, std::vector<std::string>>>{
      {"sgd", {}},
      {"momentum", {"momentum", "nesterov"}},
      {"adam", {"beta_1", "beta_2", "epsilon", "amsgrad"}},
      {"adamw", {"beta_1", "beta_2", "epsilon", "amsgrad", "weight_decay", "exclude_from_weight_decay"}},
      {"adagrad", {"initial_accumulator_value", "epsilon"}},
      {"rmsprop", {"rho", "momentum", "epsilon", "centered"}},
  };
  static const auto* none = new std::vector<std::string>;
  for (const auto& [n, f] : *fields) {
    if (n == name) return f;
  }
  return *none;
}

absl::Status ParseOptimizer(const MapReader& parent, const std::string& key, OptimizerConfig* out) {
  const YamlNode* node = parent.Find(key);
  MapReader r(node, parent.PathOf(key), parent.WhereOf(key));
  static const auto* known = new std::vector<std::string>{"name",
                                                          "learning_rate",
                                                          "momentum",
                                                          "nesterov",
                                                          "beta_1",
                                                          "beta_2",
                                                          "epsilon",
                                                          "amsgrad",
                                                          "weight_decay",
                                                          "exclude_from_weight_decay",
                                                          "initial_accumulator_value",
                                                          "rho",
                                                          "centered",
                                                          "clip_value",
                                                          "clip_global_norm"};
  CONFIGS_RETURN_IF_ERROR(r.CheckKeys(*known));
  CONFIGS_RETURN_IF_ERROR(r.Enum("name", layers::OptimizerNames(), &out->name));
  const std::vector<std::string>& fields = OptimizerFields(out->name);
  if (node != nullptr && node->IsMap()) {
    for (const YamlEntry& e : node->entries) {
      if (e.key == "name" || e.key == "learning_rate" || e.key == "clip_value" ||
          e.key == "clip_global_norm" || std::find(fields.begin(), fields.end(), e.key) != fields.end()) {
        continue;
      }
      return ConfigError(e.key_where, r.PathOf(e.key),
                         absl::StrCat("does not apply to optimizer '", out->name,
                                      "'; its fields: learning_rate", fields.empty() ? "" : ", ",
                                      absl::StrJoin(fields, ", "), ", clip_value, clip_global_norm"));
    }
  }
  layers::GenericOptimizerOptions& o = out->options;
  o = layers::GenericOptimizerOptions{};
  CONFIGS_RETURN_IF_ERROR(ReadOptionalFloat(r, "momentum", &o.momentum));
  CONFIGS_RETURN_IF_ERROR(ReadOptionalBool(r, "nesterov", &o.nesterov));
  CONFIGS_RETURN_IF_ERROR(ReadOptionalFloat(r, "beta_1", &o.beta_1));
  CONFIGS_RETURN_IF_ERROR(ReadOptionalFloat(r, "beta_2", &o.beta_2));
  CONFIGS_RETURN_IF_ERROR(ReadOptionalFloat(r, "epsilon", &o.epsilon));
  CONFIGS_RETURN_IF_ERROR(ReadOptionalBool(r, "amsgrad", &o.amsgrad));
  CONFIGS_RETURN_IF_ERROR(ReadOptionalFloat(r, "weight_decay", &o.weight_decay));
  CONFIGS_RETURN_IF_ERROR(r.StringList("exclude_from_weight_decay", &o.exclude_from_weight_decay));
  CONFIGS_RETURN_IF_ERROR(ReadOptionalFloat(r, "initial_accumulator_value", &o.initial_accumulator_value));
  CONFIGS_RETURN_IF_ERROR(ReadOptionalFloat(r, "rho", &o.rho));
  CONFIGS_RETURN_IF_ERROR(ReadOptionalBool(r, "centered", &o.centered));
  const float default_rate = ResolveDefaults(out->name, &o);
  if (r.Has("learning_rate")) {
    CONFIGS_RETURN_IF_ERROR(ParseSchedule(r, &out->learning_rate));
  } else {
    out->learning_rate = default_rate;
  }
  // Validate the fields with the optimizer itself (a constant stand-in rate when a schedule is used).
  layers::GenericOptimizerOptions check = o;
  if (const float* rate = std::get_if<float>(&out->learning_rate)) check.learning_rate = *rate;
  if (absl::StatusOr<std::unique_ptr<layers::Optimizer>> opt = layers::CreateOptimizer(out->name, check);
      !opt.ok()) {
    return r.Error("", std::string(opt.status().message()));
  }
  out->clipping = layers::GradientClippingOptions{};
  CONFIGS_RETURN_IF_ERROR(r.Float("clip_value", &out->clipping.clip_value));
  if (out->clipping.clip_value < 0) return r.Error("clip_value", "must be >= 0 (0: off)");
  CONFIGS_RETURN_IF_ERROR(r.Float("clip_global_norm", &out->clipping.clip_global_norm));
  if (out->clipping.clip_global_norm < 0) return r.Error("clip_global_norm", "must be >= 0 (0: off)");
  return absl::OkStatus();
}

}  // namespace configs
