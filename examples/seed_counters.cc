// Two counters in a while loop, as a static graph: counters 0 and 10; the body adds 2 and 1; the loop runs
// while the first is below the second. Prints "20 20".
//
// The same program with TensorFlow:
//   i = tf.constant(0)
//   j = tf.constant(10)
//   c = lambda i, j: i < j
//   b = lambda i, j: (i + 2, j + 1)
//   r = tf.while_loop(c, b, [i, j])
#include <cstdio>
#include <vector>

#include "graph/ops/control_flow_ops.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"

namespace ops = graph::ops;
using graph::Output;
using graph::Scope;

int main() {
  Scope s = Scope::NewRootScope();
  Output i = ops::Const(s, 0);
  Output j = ops::Const(s, 10);
  auto c = [](const Scope& s, const std::vector<Output>& v) { return ops::Less(s, v[0], v[1]); };
  auto b = [](const Scope& s, const std::vector<Output>& v) {
    return std::vector<Output>{ops::Add(s, v[0], 2), ops::Add(s, v[1], 1)};
  };
  std::vector<Output> r = ops::WhileLoop(s, c, b, {i, j});

  graph::Session session(*s.graph());
  std::vector<graph::Tensor> out;
  if (absl::Status st = session.Run(r, &out); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("%d %d\n", out[0].data<int32_t>()[0], out[1].data<int32_t>()[0]);
  return 0;
}
