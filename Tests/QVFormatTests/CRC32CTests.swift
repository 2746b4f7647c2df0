import CQVBShim
import Testing
import QVKernels
@testable import QVFormat

@Suite("CRC-32C")
struct CRC32CTests {
    @Test("known vectors (RFC 3720 and the check value)")
    func knownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0 ..< 32).map { UInt8($0) }) == 0x46DD_794E)
    }

    @Test("a checksum continues across pieces")
    func chaining() {
        let bytes = Array("The quick brown fox jumps over the lazy dog".utf8)
        for split in 0 ... bytes.count {
            let first = CRC32C.checksum(Array(bytes[..<split]))
            #expect(CRC32C.checksum(Array(bytes[split...]), seed: first) == CRC32C.checksum(bytes))
        }
    }

    @Test("hardware and table paths agree at every length and misalignment")
    func pathsAgree() {
        var generator = SeededGenerator(seed: 42)
        let bytes = (0 ..< 300).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        bytes.withUnsafeBytes { buffer in
            for start in 0 ..< 9 {
                for length in 0 ... 280 {
                    let piece = UnsafeRawBufferPointer(rebasing: buffer[start ..< start + length])
                    let seed = UInt32(truncatingIfNeeded: length &* 2_654_435_761)
                    #expect(qvb_crc32c(piece.baseAddress, piece.count, seed)
                            == qvb_crc32c_portable(piece.baseAddress, piece.count, seed))
                }
            }
        }
    }
}
