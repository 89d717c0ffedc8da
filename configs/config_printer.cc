// PrintConfig: the resolved config as YAML that LoadConfig reads back to the same values.
#include <charconv>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "configs/config.h"
#include "configs/section_parsers.h"

namespace configs {
namespace {

// The shortest text that reads back to exactly `v`, always with a '.' or an exponent.
template <typename T>
std::string Num(T v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

// A double-quoted YAML string.
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      out += absl::StrFormat("\\x%02x", c);
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

const char* Bool(bool b) { return b ? "true" : "false"; }

const char* DTypeText(graph::DType t) {
  return t == graph::DType::kInt32 ? "i32" : t == graph::DType::kInt64 ? "i64" : "f32";
}

template <typename T, typename F>
std::string List(const std::vector<T>& items, F format) {
  std::vector<std::string> parts;
  for (const T& item : items) parts.push_back(format(item));
  return absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
}

std::string ParamText(const estimator::Params::Value& value) {
  struct Visitor {
    std::string operator()(bool b) const { return Bool(b); }
    std::string operator()(int64_t i) const { return absl::StrCat(i); }
    std::string operator()(double d) const { return Num(d); }
    std::string operator()(const std::string& s) const { return Quote(s); }
    std::string operator()(const std::vector<int64_t>& v) const {
      return List(v, [](int64_t i) { return absl::StrCat(i); });
    }
    std::string operator()(const std::vector<double>& v) const {
      return List(v, [](double d) { return Num(d); });
    }
    std::string operator()(const std::vector<std::string>& v) const { return List(v, Quote); }
  };
  return std::visit(Visitor{}, value);
}

void PrintInput(const InputSpec& in, const std::string& indent, std::string* out) {
  const std::string i = indent;
  absl::StrAppend(out, i, "source: ", InputSourceName(in.source), "\n");
  if (in.source == InputSource::kIdx) {
    absl::StrAppend(out, i, "images: ", Quote(in.images), "\n", i, "labels: ", Quote(in.labels), "\n");
  } else if (in.source == InputSource::kInputFn) {
    absl::StrAppend(out, i, "name: ", Quote(in.name), "\n");
  } else {
    absl::StrAppend(out, i, "path: ", Quote(in.path), "\n", i, "header: ", Bool(in.header), "\n");
    absl::StrAppend(out, i, "delimiter: ", Quote(std::string(1, in.delimiter)), "\n");
    absl::StrAppend(out, i, "columns: ", List(in.columns, Quote), "\n");
    absl::StrAppend(out, i, "default_dtype: ", DTypeText(in.default_dtype), "\n");
    absl::StrAppend(out, i, "column_dtypes: {");
    for (size_t k = 0; k < in.column_dtypes.size(); ++k) {
      absl::StrAppend(out, k ? ", " : "", Quote(in.column_dtypes[k].first), ": ",
                      DTypeText(in.column_dtypes[k].second));
    }
    absl::StrAppend(out, "}\n", i, "defaults: {");
    for (size_t k = 0; k < in.defaults.size(); ++k) {
      absl::StrAppend(out, k ? ", " : "", Quote(in.defaults[k].first), ": ", Quote(in.defaults[k].second));
    }
    absl::StrAppend(out, "}\n", i, "label_column: ", Quote(in.label_column), "\n");
  }
  absl::StrAppend(out, i, "batch_size: ", in.batch_size, "\n", i, "shuffle_buffer: ", in.shuffle_buffer,
                  "\n");
  absl::StrAppend(out, i, "seed: ", in.seed, "\n", i, "repeat: ", in.repeat, "\n");
  absl::StrAppend(out, i, "cache: ", Bool(in.cache), "\n", i, "prefetch: ", in.prefetch, "\n");
  absl::StrAppend(out, i, "drop_remainder: ", Bool(in.drop_remainder), "\n", i, "map: [");
  for (size_t k = 0; k < in.map.size(); ++k) {
    const MapPreset& p = in.map[k];
    absl::StrAppend(
        out, k ? ", " : "",
        p.kind == MapPreset::Kind::kScale ? absl::StrCat("{scale: ", Num(p.scale), "}") : "{flatten: true}");
  }
  absl::StrAppend(out, "]\n");
}

std::string OptionalFloat(const std::optional<float>& v) { return v.has_value() ? Num(*v) : "~"; }
std::string OptionalBool(const std::optional<bool>& v) { return v.has_value() ? Bool(*v) : "~"; }

void PrintSchedule(const layers::LearningRateScheduleOptions& lr, std::string* out) {
  const std::string i = "      ";
  if (const float* c = std::get_if<float>(&lr)) {
    absl::StrAppend(out, "    learning_rate: ", Num(*c), "\n");
    return;
  }
  absl::StrAppend(out, "    learning_rate:\n");
  if (const auto* o = std::get_if<layers::ExponentialDecayOptions>(&lr)) {
    absl::StrAppend(out, i, "type: exponential_decay\n", i,
                    "initial_learning_rate: ", Num(o->initial_learning_rate), "\n", i,
                    "decay_steps: ", o->decay_steps, "\n", i, "decay_rate: ", Num(o->decay_rate), "\n", i,
                    "staircase: ", Bool(o->staircase), "\n");
  } else if (const auto* o = std::get_if<layers::PiecewiseConstantOptions>(&lr)) {
    absl::StrAppend(out, i, "type: piecewise_constant\n", i, "boundaries: [",
                    absl::StrJoin(o->boundaries, ", "), "]\n", i,
                    "values: ", List(o->values, [](float v) { return Num(v); }), "\n");
  } else if (const auto* o = std::get_if<layers::PolynomialDecayOptions>(&lr)) {
    absl::StrAppend(
        out, i, "type: polynomial_decay\n", i, "initial_learning_rate: ", Num(o->initial_learning_rate), "\n",
        i, "decay_steps: ", o->decay_steps, "\n", i, "end_learning_rate: ", Num(o->end_learning_rate), "\n",
        i, "power: ", Num(o->power), "\n", i, "cycle: ", Bool(o->cycle), "\n");
  } else if (const auto* o = std::get_if<layers::CosineDecayOptions>(&lr)) {
    absl::StrAppend(out, i, "type: cosine_decay\n", i,
                    "initial_learning_rate: ", Num(o->initial_learning_rate), "\n", i,
                    "decay_steps: ", o->decay_steps, "\n", i, "alpha: ", Num(o->alpha), "\n", i,
                    "warmup_steps: ", o->warmup_steps, "\n");
    if (o->warmup_target.has_value())
      absl::StrAppend(out, i, "warmup_target: ", Num(*o->warmup_target), "\n");
  }
}

void PrintOptimizer(const OptimizerConfig& opt, std::string* out) {
  absl::StrAppend(out, "  optimizer:\n    name: ", opt.name, "\n");
  PrintSchedule(opt.learning_rate, out);
  const layers::GenericOptimizerOptions& o = opt.options;
  for (const std::string& f : OptimizerFields(opt.name)) {
    std::string v;
    if (f == "momentum") v = OptionalFloat(o.momentum);
    if (f == "nesterov") v = OptionalBool(o.nesterov);
    if (f == "beta_1") v = OptionalFloat(o.beta_1);
    if (f == "beta_2") v = OptionalFloat(o.beta_2);
    if (f == "epsilon") v = OptionalFloat(o.epsilon);
    if (f == "amsgrad") v = OptionalBool(o.amsgrad);
    if (f == "weight_decay") v = OptionalFloat(o.weight_decay);
    if (f == "exclude_from_weight_decay") v = List(o.exclude_from_weight_decay, Quote);
    if (f == "initial_accumulator_value") v = OptionalFloat(o.initial_accumulator_value);
    if (f == "rho") v = OptionalFloat(o.rho);
    if (f == "centered") v = OptionalBool(o.centered);
    if (v != "~") absl::StrAppend(out, "    ", f, ": ", v, "\n");  // unset: the optimizer's default
  }
  absl::StrAppend(out, "    clip_value: ", Num(opt.clipping.clip_value), "\n");
  absl::StrAppend(out, "    clip_global_norm: ", Num(opt.clipping.clip_global_norm), "\n");
}

}  // namespace

std::string PrintConfig(const Config& c) {
  std::string out = absl::StrCat("model:\n  name: ", Quote(c.model.name), "\n  params:");
  if (c.model.params.values().empty()) absl::StrAppend(&out, " {}");
  absl::StrAppend(&out, "\n");
  for (const auto& [key, value] : c.model.params.values()) {
    absl::StrAppend(&out, "    ", Quote(key), ": ", ParamText(value), "\n");
  }
  const estimator::RunConfig& r = c.run;
  absl::StrAppend(&out, "run:\n  model_dir: ", Quote(r.model_dir), "\n  random_seed: ", r.random_seed,
                  "\n  save_checkpoints_steps: ", r.save_checkpoints_steps,
                  "\n  save_checkpoints_secs: ", Num(r.save_checkpoints_secs),
                  "\n  keep_checkpoint_max: ", r.keep_checkpoint_max,
                  "\n  keep_checkpoint_every_n_hours: ", Num(r.keep_checkpoint_every_n_hours),
                  "\n  save_summary_steps: ", r.save_summary_steps,
                  "\n  log_step_count_steps: ", r.log_step_count_steps,
                  "\n  intra_op_threads: ", r.intra_op_threads, "\n");
  absl::StrAppend(&out, "train:\n  input:\n");
  PrintInput(c.train.input, "    ", &out);
  absl::StrAppend(&out, "  max_steps: ", c.train.max_steps, "\n  steps: ", c.train.steps,
                  "\n  epochs: ", c.train.epochs, "\n");
  PrintOptimizer(c.train.optimizer, &out);
  if (c.eval.enabled) {
    const EvalConfig& e = c.eval;
    absl::StrAppend(&out, "eval:\n  input:\n");
    PrintInput(e.input, "    ", &out);
    absl::StrAppend(&out, "  steps: ", e.steps, "\n  every_steps: ", e.every_steps,
                    "\n  name: ", Quote(e.name), "\n");
    if (e.early_stopping.enabled()) {
      const estimator::EarlyStoppingOptions& s = e.early_stopping;
      absl::StrAppend(&out, "  early_stopping:\n    metric: ", Quote(s.metric),
                      "\n    mode: ", estimator::MetricGoalName(s.goal), "\n    patience: ", s.patience,
                      "\n    min_delta: ", Num(s.min_delta), "\n    min_steps: ", s.min_steps, "\n");
    }
    if (e.best_checkpoint.enabled()) {
      absl::StrAppend(&out, "  best_checkpoint:\n    metric: ", Quote(e.best_checkpoint.metric),
                      "\n    mode: ", estimator::MetricGoalName(e.best_checkpoint.goal), "\n");
    }
  }
  const ExportConfig& x = c.export_;
  absl::StrAppend(&out, "export:\n  dir: ", Quote(x.dir), "\n  keep: ", x.keep, "\n  format: ", x.format,
                  "\n  exporter: ", x.exporter, "\n");
  if (x.exporter == "best") {  // metric and mode apply to the best exporter only
    absl::StrAppend(&out, "  metric: ", Quote(x.metric), "\n  mode: ", estimator::MetricGoalName(x.goal),
                    "\n");
  }
  return out;
}

bool operator==(const Config& a, const Config& b) { return PrintConfig(a) == PrintConfig(b); }

}  // namespace configs
