// CRC32C (Castagnoli polynomial 0x1EDC6F41, reflected 0x82F63B78), the checksum of checkpoint tensors and of
// TFRecord framing in event files.
#ifndef ESTIMATOR_CRC32C_H_
#define ESTIMATOR_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace estimator {

// Extends `crc` (the CRC32C of some prefix; 0 for the empty prefix) with `n` bytes at `data`, returning the
// CRC32C of the concatenation. Uses the SSE4.2 crc32 instruction when the CPU has it, else slicing-by-8
// tables. Thread-safe; `data` may be null only when `n` is 0.
uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t n);

// The CRC32C of `n` bytes at `data`. Same contract as Crc32cExtend(0, data, n).
inline uint32_t Crc32c(const void* data, size_t n) { return Crc32cExtend(0, data, n); }

// The portable slicing-by-8 implementation of Crc32cExtend (same results on every CPU).
uint32_t Crc32cExtendPortable(uint32_t crc, const void* data, size_t n);

// The SSE4.2 implementation of Crc32cExtend. Precondition: Crc32cHardwareAvailable() is true.
uint32_t Crc32cExtendHardware(uint32_t crc, const void* data, size_t n);

// True when this CPU supports SSE4.2, so Crc32cExtend uses Crc32cExtendHardware.
bool Crc32cHardwareAvailable();

// TFRecord's masked CRC: ((crc >> 15) | (crc << 17)) + 0xa282ead8 in uint32 arithmetic. Masking keeps the CRC
// of data that itself contains CRCs well distributed.
uint32_t MaskCrc32c(uint32_t crc);

// Inverse of MaskCrc32c: UnmaskCrc32c(MaskCrc32c(c)) == c for every c.
uint32_t UnmaskCrc32c(uint32_t masked);

}  // namespace estimator

#endif  // ESTIMATOR_CRC32C_H_
