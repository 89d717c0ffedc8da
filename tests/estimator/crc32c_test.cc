#include "estimator/crc32c.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace estimator {
namespace {

// Bit-at-a-time CRC32C straight from the definition, as an independent reference.
uint32_t BitwiseCrc32c(const std::vector<unsigned char>& data) {
  uint32_t crc = 0xffffffffu;
  for (unsigned char b : data) {
    crc ^= b;
    for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ ((crc & 1u) ? 0x82F63B78u : 0u);
  }
  return ~crc;
}

TEST(Crc32cTest, StandardCheckValue) {
  const std::string s = "123456789";
  EXPECT_EQ(Crc32c(s.data(), s.size()), 0xE3069283u);
  EXPECT_EQ(Crc32cExtendPortable(0, s.data(), s.size()), 0xE3069283u);
}

TEST(Crc32cTest, Rfc3720Vectors) {
  const std::vector<unsigned char> zeros(32, 0x00), ones(32, 0xff);
  EXPECT_EQ(Crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(ones.data(), ones.size()), 0x62A8AB43u);
  EXPECT_EQ(Crc32cExtendPortable(0, zeros.data(), zeros.size()), 0x8A9136AAu);
  EXPECT_EQ(Crc32cExtendPortable(0, ones.data(), ones.size()), 0x62A8AB43u);
  std::vector<unsigned char> ascending(32);
  for (int i = 0; i < 32; ++i) ascending[i] = static_cast<unsigned char>(i);
  EXPECT_EQ(Crc32c(ascending.data(), ascending.size()), 0x46DD794Eu);
}

TEST(Crc32cTest, EmptyInputLeavesCrcUnchanged) {
  EXPECT_EQ(Crc32c(nullptr, 0), 0u);
  EXPECT_EQ(Crc32cExtend(0x12345678u, nullptr, 0), 0x12345678u);
}

TEST(Crc32cTest, ExtendEqualsWholeBuffer) {
  const std::string s = "hello world";
  const uint32_t head = Crc32c(s.data(), 5);
  EXPECT_EQ(Crc32cExtend(head, s.data() + 5, s.size() - 5), 0xC99465AAu);
  EXPECT_EQ(Crc32c(s.data(), s.size()), 0xC99465AAu);
}

TEST(Crc32cTest, PortableAndHardwareAgreeWithBitwiseOnRandomBuffers) {
  std::mt19937 rng(42);
  std::vector<unsigned char> buffer(4099);
  for (auto& b : buffer) b = static_cast<unsigned char>(rng());
  for (size_t length : {1u, 3u, 7u, 9u, 15u, 31u, 33u, 63u, 255u, 1001u, 4097u}) {
    for (size_t offset : {0u, 1u, 2u}) {  // Also start at unaligned addresses.
      std::vector<unsigned char> slice(buffer.begin() + offset, buffer.begin() + offset + length);
      const uint32_t expected = BitwiseCrc32c(slice);
      EXPECT_EQ(Crc32cExtendPortable(0, buffer.data() + offset, length), expected) << length << "+" << offset;
      EXPECT_EQ(Crc32c(buffer.data() + offset, length), expected) << length << "+" << offset;
      if (Crc32cHardwareAvailable()) {
        EXPECT_EQ(Crc32cExtendHardware(0, buffer.data() + offset, length), expected)
            << length << "+" << offset;
      }
    }
  }
}

TEST(Crc32cTest, MaskMatchesTfRecordFormula) {
  // ((0xE3069283 >> 15) | (0xE3069283 << 17)) + 0xa282ead8 mod 2^32, worked out by hand.
  EXPECT_EQ(MaskCrc32c(0xE3069283u), 0xC78AB0E5u);
  EXPECT_EQ(MaskCrc32c(0u), 0xa282ead8u);
  for (uint32_t c : {0u, 1u, 0xE3069283u, 0xffffffffu, 0x80000000u})
    EXPECT_EQ(UnmaskCrc32c(MaskCrc32c(c)), c);
}

}  // namespace
}  // namespace estimator
