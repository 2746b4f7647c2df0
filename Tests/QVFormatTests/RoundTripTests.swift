import Testing
@testable import QVFormat

@Suite("Write and read back")
struct RoundTripTests {
    @Test("the model decodes to what was written", arguments: QVB.Compression.allCases)
    func modelRoundTrips(compression: QVB.Compression) throws {
        let file = try Fixture.file(compression)
        try withAlignedCopy(file) { bytes in
            let qvb = try QVBFile(bytes: bytes)
            #expect(qvb.model == Fixture.model)
            #expect(qvb.model.formatVersion == QVB.formatVersion)
            #expect(qvb.sections.map { $0.name } == ["weights", "embeddings", "empty"])
            for (info, payload) in zip(qvb.sections, Fixture.sections) {
                #expect(info.uncompressedSize == payload.bytes.count)
                #expect(info.crc32c == CRC32C.checksum(payload.bytes))
            }
        }
    }

    @Test("zstd compresses only the sections it makes smaller")
    func compressionChoice() throws {
        let sections = try withAlignedCopy(try Fixture.file(.zstd)) { try QVBFile(bytes: $0).sections }
        #expect(sections.map { $0.compression } == [.none, .zstd, .none])
        #expect(sections[1].storedSize < sections[1].uncompressedSize)
        let plain = try withAlignedCopy(try Fixture.file(.none)) { try QVBFile(bytes: $0).sections }
        #expect(plain.allSatisfy { $0.compression == .none && $0.storedSize == $0.uncompressedSize })
    }

    @Test("tensor bytes are the payload's, 64-byte aligned, zero-copy when uncompressed",
          arguments: QVB.Compression.allCases)
    func tensorBytes(compression: QVB.Compression) throws {
        let file = try Fixture.file(compression)
        #expect(file.count % 64 == 0)
        for range in try Locate.sectionData(file) { #expect(range.lowerBound % 64 == 0) }
        try withAlignedCopy(file) { bytes in
            let qvb = try QVBFile(bytes: bytes)
            let fileRange = UInt(bitPattern: bytes.baseAddress!) ..< UInt(bitPattern: bytes.baseAddress! + bytes.count)
            for (index, tensor) in Fixture.tensors.enumerated() {
                let tensorBytes = qvb.tensorBytes(index)
                let payload = Fixture.sections[tensor.section].bytes
                #expect(Array(tensorBytes) == Array(payload[tensor.offset ..< tensor.offset + tensor.size]))
                guard tensor.size > 0, let start = tensorBytes.baseAddress else { continue }
                #expect(UInt(bitPattern: start) % 64 == 0, "tensor \(tensor.name)")
                let inPlace = qvb.sections[tensor.section].compression == .none
                #expect(fileRange.contains(UInt(bitPattern: start)) == inPlace, "tensor \(tensor.name)")
            }
        }
    }

    @Test("a file opens from an unaligned address too")
    func unalignedBuffer() throws {
        let file = try Fixture.file(.none)
        try withAlignedCopy(file, misalignment: 3) { bytes in
            let qvb = try QVBFile(bytes: bytes)
            #expect(qvb.model == Fixture.model)
            #expect(Array(qvb.tensorBytes(2)) == Array(Fixture.weights[192 ..< 208]))
        }
    }

    @Test("writing is deterministic", arguments: QVB.Compression.allCases)
    func deterministic(compression: QVB.Compression) throws {
        #expect(try Fixture.file(compression) == Fixture.file(compression))
    }

    @Test("a minimal model with no tokenizer, no sections and default fields round-trips")
    func minimal() throws {
        let model = QVB.Model(producer: QVB.Producer(), family: .swin, bert: nil, precision: "", tokenizer: nil,
                              tensors: [], values: [QVB.Value(name: "", type: .f32, shape: [])], ops: [],
                              inputs: [], outputs: [], maxTokens: 0)
        let file = try QVBWriter.encode(model, sections: [], compression: .zstd)
        #expect(try open(file).get() == model)
    }
}
