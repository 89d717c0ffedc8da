// The attribute table of graph/op_attrs.h that the text form of graphs checks nodes against: consistent
// names and types, validation of presence, types, sizes, ranges and choices, and the table documented in
// docs/GRAPH_FORMAT.md.
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "graph/op_attrs.h"
#include "gtest/gtest.h"

namespace graph {
namespace {

using ::testing::HasSubstr;

TEST(OpAttrsTest, EveryKindHasItsNameAndAConsistentTable) {
  for (int i = 0; i < kNumOpKinds; ++i) {
    const OpKind kind = static_cast<OpKind>(i);
    auto parsed = OpKindFromName(OpKindName(kind));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, kind);
    std::set<std::string> names;
    for (const AttrDef& d : OpAttrDefs(kind)) {
      EXPECT_TRUE(names.insert(d.name).second) << OpKindName(kind) << " lists '" << d.name << "' twice";
      EXPECT_TRUE(d.list_size < 0 || d.type == AttrType::kInts) << d.name;
      EXPECT_TRUE(d.choices == nullptr || d.type == AttrType::kString) << d.name;
    }
  }
  EXPECT_EQ(OpKindFromName("Matmul").status().code(), absl::StatusCode::kInvalidArgument);
  for (AttrType t : {AttrType::kInt, AttrType::kFloat, AttrType::kBool, AttrType::kString, AttrType::kDType,
                     AttrType::kShape, AttrType::kTensor, AttrType::kInts}) {
    EXPECT_EQ(*AttrTypeFromName(AttrTypeName(t)), t);
  }
  EXPECT_FALSE(AttrTypeFromName("float32").ok());
}

TEST(OpAttrsTest, ValidateChecksPresenceTypesSizesAndChoices) {
  AttrMap conv{{"strides", std::vector<int64_t>{1, 1}},
               {"dilations", std::vector<int64_t>{1, 1}},
               {"padding", std::string("SAME")},
               {"groups", int64_t{1}}};
  EXPECT_TRUE(ValidateOpAttrs(OpKind::kConv2D, conv).ok());
  AttrMap missing{{"strides", std::vector<int64_t>{1, 1}}, {"padding", std::string("SAME")}};
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kConv2D, missing).message()),
              HasSubstr("missing required attr 'dilations'"));
  AttrMap wrong = conv;
  wrong.Set("groups", 1.0);
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kConv2D, wrong).message()),
              HasSubstr("attr 'groups' must be of type int, got float"));
  AttrMap size = conv;
  size.Set("strides", std::vector<int64_t>{1});
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kConv2D, size).message()),
              HasSubstr("'strides' must have 2 entries, got 1"));
  AttrMap choice = conv;
  choice.Set("padding", std::string("same"));
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kConv2D, choice).message()),
              HasSubstr("expected one of SAME|VALID"));
  AttrMap range = conv;
  range.Set("strides", std::vector<int64_t>{1, 0});
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kConv2D, range).message()),
              HasSubstr("attr 'strides' entry 1 is 0; expected 1 to 2147483647"));
  range.Set("strides", std::vector<int64_t>{1, 1});
  range.Set("groups", std::numeric_limits<int64_t>::max());
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kConv2D, range).message()),
              HasSubstr("attr 'groups' is 9223372036854775807; expected 1 to 1048576"));
  AttrMap unknown = conv;
  unknown.Set("window", std::vector<int64_t>{2, 2});
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kConv2D, unknown).message()),
              HasSubstr("attr 'window' is not an attribute of Conv2D"));
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kAdd, AttrMap{{"axis", int64_t{0}}}).message()),
              HasSubstr("(it has none)"));
}

// The table in docs/GRAPH_FORMAT.md, one row per op: "| Op | name: type, name: ints[2], name: string (A or B)
// |".
std::string DocCell(OpKind kind) {
  std::vector<std::string> parts;
  for (const AttrDef& d : OpAttrDefs(kind)) {
    std::string p = absl::StrCat("`", d.name, "`: ", AttrTypeName(d.type));
    if (d.list_size >= 0) absl::StrAppend(&p, "[", d.list_size, "]");
    if (d.min_value != std::numeric_limits<int64_t>::min() ||
        d.max_value != std::numeric_limits<int64_t>::max()) {
      absl::StrAppend(&p, " in [", d.min_value, ", ", d.max_value, "]");
    }
    if (d.choices != nullptr)
      absl::StrAppend(&p, " (", absl::StrJoin(absl::StrSplit(d.choices, '|'), " or "), ")");
    if (!d.required) absl::StrAppend(&p, ", optional");
    parts.push_back(p);
  }
  return parts.empty() ? "none" : absl::StrJoin(parts, "; ");
}

TEST(OpAttrsTest, DocumentedTableMatchesTheCode) {
  std::ifstream in(std::string(ESTIMATOR_SOURCE_DIR) + "/docs/GRAPH_FORMAT.md");
  ASSERT_TRUE(in.good());
  std::map<std::string, std::string> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells = absl::StrSplit(line, '|');
    if (cells.size() != 4 || !absl::StartsWith(cells[1], " `")) continue;
    std::string op(absl::StripAsciiWhitespace(cells[1]));
    if (!OpKindFromName(absl::StripSuffix(absl::StripPrefix(op, "`"), "`")).ok()) continue;
    EXPECT_TRUE(rows.emplace(std::string(absl::StripSuffix(absl::StripPrefix(op, "`"), "`")),
                             std::string(absl::StripAsciiWhitespace(cells[2])))
                    .second)
        << op;
  }
  for (int i = 0; i < kNumOpKinds; ++i) {
    const OpKind kind = static_cast<OpKind>(i);
    auto it = rows.find(OpKindName(kind));
    ASSERT_NE(it, rows.end()) << OpKindName(kind) << " is missing from the table; expected | `"
                              << OpKindName(kind) << "` | " << DocCell(kind) << " |";
    EXPECT_EQ(it->second, DocCell(kind)) << OpKindName(kind);
  }
}

}  // namespace
}  // namespace graph
