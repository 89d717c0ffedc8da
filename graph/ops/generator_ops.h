// Generators: tensors filled with a value, ranges, and reproducible random tensors.
#ifndef GRAPH_OPS_GENERATOR_OPS_H_
#define GRAPH_OPS_GENERATOR_OPS_H_

#include <cstdint>

#include "graph/scope.h"

namespace graph::ops {

// A tensor of `shape` (fully defined) with every element equal to `value`, a scalar of any dtype (a literal,
// or an Output computed at run time). The output has value's dtype.
Output Fill(const Scope& s, Shape shape, Input value, Loc loc = Loc::current());
// Fill with 0 or 1 of `dtype` (bool: false/true). `shape` must be fully defined.
Output Zeros(const Scope& s, Shape shape, DType dtype, Loc loc = Loc::current());
Output Ones(const Scope& s, Shape shape, DType dtype, Loc loc = Loc::current());

// [start, start + delta, ...) up to but excluding `limit`, like tf.range: ceil((limit - start) / delta)
// elements of `dtype` (f32, i32 or i64; integer dtypes need whole-number arguments). `delta` must be nonzero
// and point from start toward limit (start == limit gives an empty vector).
Output Range(const Scope& s, double start, double limit, double delta, DType dtype, Loc loc = Loc::current());

// f32 tensors of `shape` (fully defined) with uniform values in [minval, maxval) or normal values with `mean`
// and `stddev` (Box-Muller). The numbers come from a Philox4x32-10 stream keyed by the graph's seed and
// `seed`, so every Session on the graph draws the same sequence; each Run of a Session draws the next numbers
// (a per-node counter). Two ops with the same seed in the same graph draw the same numbers.
Output RandomUniform(const Scope& s, Shape shape, int64_t seed, float minval = 0, float maxval = 1,
                     Loc loc = Loc::current());
Output RandomNormal(const Scope& s, Shape shape, int64_t seed, float mean = 0, float stddev = 1,
                    Loc loc = Loc::current());

}  // namespace graph::ops

#endif  // GRAPH_OPS_GENERATOR_OPS_H_
