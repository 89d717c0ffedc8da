// Folding an inference-mode batch normalization into the Conv2D / MatMul before it: the arithmetic
// (FoldBatchNorm), the choice of which BatchNorms of a graph level fold, and the rewrite that emits the
// folded nodes.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/passes/inference_graph.h"
#include "graph/passes/inference_graph_internal.h"

namespace graph {
namespace {

absl::Status CheckF32(const Tensor& t, const char* name, int64_t channels) {
  if (!t.IsValid() || t.dtype() != DType::kFloat32 || t.rank() != 1 || t.dim(0) != channels) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " must be an f32 vector of ", channels, " channels, got ",
                     t.IsValid() ? absl::StrCat(DTypeName(t.dtype()), t.shape().ToString()) : "no tensor"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FoldedBatchNorm> FoldBatchNorm(const Tensor& weights, bool channel_first, const Tensor& bias,
                                              const Tensor& gamma, const Tensor& beta, const Tensor& mean,
                                              const Tensor& variance, double epsilon) {
  if (!weights.IsValid() || weights.dtype() != DType::kFloat32 || weights.rank() < 1) {
    return absl::InvalidArgumentError("the weights must be an f32 tensor of rank >= 1");
  }
  const int64_t channels = channel_first ? weights.dim(0) : weights.dim(weights.rank() - 1);
  const Tensor* params[] = {&gamma, &beta, &mean, &variance};
  const char* names[] = {"gamma", "beta", "mean", "variance"};
  for (int i = 0; i < 4; ++i) {
    if (absl::Status st = CheckF32(*params[i], names[i], channels); !st.ok()) return st;
  }
  if (bias.IsValid()) {
    if (absl::Status st = CheckF32(bias, "bias", channels); !st.ok()) return st;
  }
  if (!(epsilon >= 0) || !std::isfinite(epsilon)) {
    return absl::InvalidArgumentError(absl::StrCat("epsilon ", epsilon, " must be finite and >= 0"));
  }
  FoldedBatchNorm out{Tensor(DType::kFloat32, weights.shape()), Tensor(DType::kFloat32, Shape{channels})};
  std::vector<double> scale(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    const double s = static_cast<double>(gamma.data<float>()[c]) /
                     std::sqrt(static_cast<double>(variance.data<float>()[c]) + epsilon);
    scale[static_cast<size_t>(c)] = s;
    const double b = bias.IsValid() ? static_cast<double>(bias.data<float>()[c]) : 0.0;
    out.bias.data<float>()[c] = static_cast<float>((b - static_cast<double>(mean.data<float>()[c])) * s +
                                                   static_cast<double>(beta.data<float>()[c]));
  }
  const int64_t n = weights.num_elements();
  const int64_t inner = channels > 0 && channel_first ? n / channels : 1;
  const float* from = weights.data<float>();
  float* to = out.weights.data<float>();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = channel_first ? i / inner : i % channels;
    to[i] = static_cast<float>(static_cast<double>(from[i]) * scale[static_cast<size_t>(c)]);
  }
  return out;
}

namespace inference_graph_internal {

void LevelCopy::ChooseFolds(absl::Span<const Output> roots) {
  MarkLive(roots);
  auto used = [&](const Node* n, int i) {
    auto it = uses_.find(Output(const_cast<Node*>(n), i));
    return it == uses_.end() ? 0 : it->second;
  };
  for (const auto& node : src_.nodes()) {
    const Node* bn = node.get();
    if (bn->kind() != OpKind::kBatchNorm || !IsLive(bn)) continue;
    if (bn->attrs().GetBool("training") || used(bn, 1) > 0 || used(bn, 2) > 0) continue;
    Fold f;
    f.batch_norm = bn;
    Output x = Resolve(bn->input(0));
    if (x.node->kind() == OpKind::kBiasAdd) {
      f.bias = ConstantNode(x.node->input(1));
      if (f.bias == nullptr || used(x.node, 0) != 1) continue;
      f.bias_add = x.node;
      x = Resolve(x.node->input(0));
    }
    const Node* linear = x.node;
    if (linear->kind() != OpKind::kConv2D && linear->kind() != OpKind::kMatMul) continue;
    if (used(linear, 0) != 1 || FoldOf(linear) != nullptr) continue;
    f.linear = linear;
    f.x = Resolve(linear->input(0));
    f.weights = ConstantNode(linear->input(1));
    bool constant = f.weights != nullptr;
    for (int i = 1; i <= 4; ++i) constant = constant && ConstantNode(bn->input(i)) != nullptr;
    if (!constant || f.weights->output_type(0).dtype != DType::kFloat32) continue;
    // The output channel of the weights must be the batch norm's channel.
    const Shape& w = f.weights->output_type(0).shape;
    int64_t out_channels = -1;
    if (linear->kind() == OpKind::kConv2D && w.rank() == 4) {
      out_channels = w.dim(3);
    } else if (linear->kind() == OpKind::kMatMul && w.rank() == 2 &&
               linear->output_type(0).shape.rank() == 2) {
      out_channels = linear->attrs().GetBool("transpose_b") ? w.dim(0) : w.dim(1);
    }
    if (out_channels < 0 || out_channels != bn->output_type(1).shape.dim(0)) continue;
    for (const Node* part : {f.linear, f.bias_add, f.batch_norm}) {
      if (part != nullptr) fold_of_[part] = folds_.size();
    }
    folds_.push_back(std::move(f));
  }
}

absl::Status LevelCopy::EmitFoldedLinear(const Fold& f) {
  absl::StatusOr<Tensor> weights = state_.ConstantValue(*f.weights);
  if (!weights.ok()) return weights.status();
  Tensor params[4];  // gamma, beta, mean, variance
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<Tensor> t = state_.ConstantValue(*ConstantNode(f.batch_norm->input(i + 1)));
    if (!t.ok()) return t.status();
    params[i] = *std::move(t);
  }
  Tensor bias;
  if (f.bias != nullptr) {
    absl::StatusOr<Tensor> b = state_.ConstantValue(*f.bias);
    if (!b.ok()) return b.status();
    bias = *std::move(b);
  }
  const bool channel_first = f.linear->kind() == OpKind::kMatMul && f.linear->attrs().GetBool("transpose_b");
  absl::StatusOr<FoldedBatchNorm> folded =
      FoldBatchNorm(*weights, channel_first, bias, params[0], params[1], params[2], params[3],
                    f.batch_norm->attrs().GetFloat("epsilon"));
  if (!folded.ok()) {
    return absl::Status(folded.status().code(),
                        absl::StrCat("folding ", f.batch_norm->Describe(), ": ", folded.status().message()));
  }
  folded_bias_[f.batch_norm] = std::move(folded->bias);
  absl::StatusOr<Node*> w = AddConst(absl::StrCat(f.batch_norm->name(), "/folded_weights"),
                                     std::move(folded->weights), f.batch_norm);
  if (!w.ok()) return w.status();
  absl::StatusOr<Output> x = Map(f.x);
  if (!x.ok()) return x.status();
  NodeDef def;
  def.kind = f.linear->kind();
  def.name = f.linear->name();
  def.inputs = {*x, (*w)->output(0)};
  def.control_inputs = MapControls(f.linear->control_inputs());
  def.attrs = f.linear->attrs();
  def.location = f.linear->location();
  absl::StatusOr<Node*> linear = Add(std::move(def), f.linear);
  if (!linear.ok()) return linear.status();
  nodes_[f.linear] = *linear;
  if (f.bias_add != nullptr) nodes_[f.bias_add] = *linear;
  return absl::OkStatus();
}

absl::Status LevelCopy::EmitFoldedBias(const Fold& f) {
  const Node* bn = f.batch_norm;
  absl::StatusOr<Node*> b = AddConst(absl::StrCat(bn->name(), "/folded_bias"), folded_bias_.at(bn), bn);
  if (!b.ok()) return b.status();
  NodeDef def;
  def.kind = OpKind::kBiasAdd;
  def.name = bn->name();
  def.inputs = {nodes_.at(f.linear)->output(0), (*b)->output(0)};
  std::vector<Node*> deps(bn->control_inputs().begin(), bn->control_inputs().end());
  if (f.bias_add != nullptr)
    deps.insert(deps.end(), f.bias_add->control_inputs().begin(), f.bias_add->control_inputs().end());
  def.control_inputs = MapControls(deps);
  def.location = bn->location();
  absl::StatusOr<Node*> bias_add = Add(std::move(def), nullptr);
  if (!bias_add.ok()) return bias_add.status();
  values_[Output(const_cast<Node*>(bn), 0)] = (*bias_add)->output(0);
  nodes_[bn] = *bias_add;
  state_.rewrites.push_back(absl::StrCat("folded BatchNorm '", bn->name(), "' into ",
                                         OpKindName(f.linear->kind()), " '", f.linear->name(), "'"));
  return absl::OkStatus();
}

}  // namespace inference_graph_internal
}  // namespace graph
