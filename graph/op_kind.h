// The closed set of operation kinds. Every kind has exactly one OpSchema (graph/op_registry.h).
#ifndef GRAPH_OP_KIND_H_
#define GRAPH_OP_KIND_H_

#include <cstdint>

namespace graph {

#define GRAPH_OP_KINDS(X)                                                                                   \
  /* sources and state */                                                                                   \
  X(Const)                                                                                                  \
  X(Placeholder) X(Arg) X(Variable) X(Assign) X(AssignAdd) X(AssignSub) X(Identity)                         \
      X(NoOp) /* elementwise arithmetic */                                                                  \
      X(Add) X(Sub) X(Mul) X(Div) X(Pow) X(Maximum) X(Minimum) X(Neg) X(Abs) X(Exp) X(Log) X(Sqrt) X(Rsqrt) \
          X(Square) /* comparisons and logic */                                                             \
      X(Equal) X(NotEqual) X(Less) X(LessEqual) X(Greater) X(GreaterEqual) X(LogicalAnd) X(LogicalOr)       \
          X(LogicalNot) X(Select) X(Cast)                            /* shapes and indexing */              \
      X(Reshape) X(Transpose) X(Concat) X(Slice) X(Gather) X(OneHot) /* reductions */                       \
      X(Sum) X(Mean) X(Max) X(Min) X(ArgMax)                         /* linear algebra */                   \
      X(MatMul)                                                      /* generators */                       \
      X(Fill) X(Range) X(RandomUniform) X(RandomNormal)              /* control flow */                     \
      X(While) X(Cond)                                               /* gradient support */                 \
      X(ZerosLike) X(OnesLike) X(SumToShape) X(BroadcastLike) X(ReshapeLike) X(GatherGrad) X(SliceGrad)     \
          X(Size) /* neural-network ops (oneDNN) and their backward kernels */                              \
      X(BiasAdd) X(Activation) X(ActivationGrad) X(Softmax) X(LogSoftmax) X(SoftmaxGrad) X(LogSoftmaxGrad)  \
          X(Dropout) X(DropoutGrad) X(Conv2D) X(Conv2DBackpropInput) X(Conv2DBackpropFilter) X(MaxPool2D)   \
              X(MaxPool2DGrad) X(AvgPool2D) X(AvgPool2DGrad) X(BatchNorm)                                   \
                  X(BatchNormGrad) /* fused losses */                                                       \
      X(SparseSoftmaxCrossEntropy)

enum class OpKind : uint16_t {
#define GRAPH_OP_KIND_ENUM(name) k##name,
  GRAPH_OP_KINDS(GRAPH_OP_KIND_ENUM)
#undef GRAPH_OP_KIND_ENUM
      kNumOpKinds
};

inline constexpr int kNumOpKinds = static_cast<int>(OpKind::kNumOpKinds);

// "MatMul", "Add", ...
const char* OpKindName(OpKind kind);

}  // namespace graph

#endif  // GRAPH_OP_KIND_H_
