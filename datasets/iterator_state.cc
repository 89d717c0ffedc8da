#include "datasets/iterator_state.h"

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace datasets {
namespace {

constexpr char kMagic[4] = {'D', 'S', 'I', '1'};
constexpr size_t kSize = 4 + 8 + 8;

void PutU64(uint64_t v, char* p) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

}  // namespace

std::string IteratorState::Serialize() const {
  std::string s(kSize, '\0');
  std::memcpy(&s[0], kMagic, 4);
  PutU64(pipeline_fingerprint, &s[4]);
  PutU64(static_cast<uint64_t>(position), &s[12]);
  return s;
}

absl::StatusOr<IteratorState> IteratorState::Parse(absl::string_view bytes) {
  if (bytes.size() != kSize || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a serialized iterator state (", bytes.size(), " bytes, expected ", kSize, ")"));
  }
  IteratorState state;
  state.pipeline_fingerprint = GetU64(bytes.data() + 4);
  state.position = static_cast<int64_t>(GetU64(bytes.data() + 12));
  if (state.position < 0) return absl::InvalidArgumentError("iterator state has a negative position");
  return state;
}

std::string IteratorState::ToText() const {
  return absl::StrCat("dsi1:", absl::Hex(pipeline_fingerprint, absl::kZeroPad16), ":", position);
}

absl::StatusOr<IteratorState> IteratorState::FromText(absl::string_view text) {
  const auto bad = [&text] {
    return absl::InvalidArgumentError(absl::StrCat("not an iterator state: '", text, "'"));
  };
  if (text.size() < 5 + 16 + 2 || text.substr(0, 5) != "dsi1:" || text[5 + 16] != ':') return bad();
  IteratorState state;
  if (!absl::SimpleHexAtoi(text.substr(5, 16), &state.pipeline_fingerprint)) return bad();
  if (!absl::SimpleAtoi(text.substr(5 + 16 + 1), &state.position) || state.position < 0) return bad();
  return state;
}

}  // namespace datasets
