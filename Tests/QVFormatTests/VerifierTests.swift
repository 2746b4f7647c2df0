import CQVBShim
import Testing
@testable import QVFormat

@Suite("C++ FlatBuffers verifier")
struct VerifierTests {
    @Test("accepts a written file, rejects every truncation, a foreign identifier and oversized lengths")
    func verifier() throws {
        var file = try Fixture.file(.none)
        file.withUnsafeBytes { bytes in
            let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            #expect(qvb_verify(base, bytes.count) == 1)
            for length in 0 ..< bytes.count { #expect(qvb_verify(base, length) == 0, "length \(length)") }
            // Refused before any byte is read: FlatBuffers cannot address 2 GiB.
            #expect(qvb_verify(base, 1 << 31) == 0)
        }
        #expect(qvb_verify(nil, 0) == 0)
        file[4] = UInt8(ascii: "X")
        #expect(file.withUnsafeBytes { qvb_verify($0.baseAddress?.assumingMemoryBound(to: UInt8.self), $0.count) } == 0)
    }
}
