// Helpers shared by the op tests: run fetches in a fresh Session, and check a scope's build error.
#ifndef TESTS_GRAPH_GRAPH_TEST_UTIL_H_
#define TESTS_GRAPH_GRAPH_TEST_UTIL_H_

#include <string>
#include <vector>

#include "graph/scope.h"
#include "graph/session.h"

namespace testing_util {

// Runs `fetches` (with `feeds`) in a new Session on the scope's graph; expects the scope and the run to be
// OK.
std::vector<graph::Tensor> RunFetches(const graph::Scope& s, std::vector<graph::Output> fetches,
                                      std::vector<graph::Feed> feeds = {});

// The scope's error, after expecting it to start with "<file>:<line>: <op>" (the op's name and the line of
// the test that added it).
std::string BuildError(const graph::Scope& s, const std::string& file, const std::string& op, int line);

}  // namespace testing_util

#endif  // TESTS_GRAPH_GRAPH_TEST_UTIL_H_
