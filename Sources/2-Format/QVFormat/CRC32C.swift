import CQVBShim

/// CRC-32C (Castagnoli) checksums, computed by the C shim (SSE4.2 when the CPU has it).
enum CRC32C {
    /// The CRC-32C of `bytes`, continuing from `seed` (0 to start, or a previous result).
    static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        qvb_crc32c(bytes.baseAddress, bytes.count, seed)
    }

    /// The CRC-32C of `bytes`, continuing from `seed`.
    static func checksum(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, seed: seed) }
    }
}
