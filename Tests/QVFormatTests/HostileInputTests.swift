import Testing
import QVKernels
@testable import QVFormat

@Suite("Hostile and damaged input")
struct HostileInputTests {
    private func kind(_ result: Result<QVB.Model, QVBError>) -> QVBError.Kind? {
        if case .failure(let error) = result { return error.kind }
        return nil
    }

    @Test("empty, tiny and foreign inputs are not qv files")
    func notQVB() throws {
        let empty = Result { () throws(QVBError) in try QVBFile(bytes: UnsafeRawBufferPointer(start: nil, count: 0)).model }
        #expect(kind(empty) == .notQVB)
        #expect(kind(open([0x51, 0x56, 0x42])) == .notQVB)
        var foreign = try Fixture.file(.none)
        foreign[7] = UInt8(ascii: "2")
        #expect(kind(open(foreign)) == .notQVB)
        #expect(kind(open(Array("PK\u{3}\u{4} this is a zip file, not a model".utf8))) == .notQVB)
    }

    @Test("every truncation throws: not a qv file below 8 bytes, truncated from there on",
          arguments: QVB.Compression.allCases)
    func truncations(compression: QVB.Compression) throws {
        let file = try Fixture.file(compression)
        for length in 0 ..< file.count {
            let result = open(Array(file[..<length]))
            #expect(kind(result) == (length < 8 ? .notQVB : .truncated), "length \(length)")
        }
    }

    @Test("trailing bytes after the model are reported")
    func extraBytes() throws {
        let result = open(try Fixture.file(.none) + [0, 0, 0, 0])
        #expect(kind(result) == .corrupt)
    }

    @Test("1000 random byte flips each throw or leave the model unchanged", arguments: QVB.Compression.allCases)
    func byteFlips(compression: QVB.Compression) throws {
        let file = try Fixture.file(compression)
        var generator = SeededGenerator(seed: compression == .none ? 1 : 2)
        var thrown = 0
        for _ in 0 ..< 1000 {
            var damaged = file
            let position = Int.random(in: 0 ..< file.count, using: &generator)
            damaged[position] ^= UInt8.random(in: 1 ... 255, using: &generator)
            switch open(damaged) {
            case .success(let model): #expect(model == Fixture.model, "flip at byte \(position)")
            case .failure: thrown += 1
            }
        }
        #expect(thrown > 900)
    }

    @Test("damaged section data is reported as corrupt, naming the section")
    func sectionCRC() throws {
        var file = try Fixture.file(.none)
        let weights = try Locate.sectionData(file)[0]
        file[weights.lowerBound + 200] ^= 0x10
        let error = try #require(open(file).failureValue)
        #expect(error.kind == .corrupt)
        #expect(error.message.contains("'weights'"))
        #expect(error.message.contains("CRC-32C"))
    }

    @Test("a zstd section whose recorded size lies is a compression error",
          arguments: [-64, -1, 1, 64, 1 << 40])
    func lyingUncompressedSize(change: Int) throws {
        var file = try Fixture.file(.zstd)
        let field = try Locate.sectionField(file, section: 1, .uncompressedSize)
        let recorded = file.load(UInt64.self, at: field)
        #expect(recorded == UInt64(Fixture.embeddings.count))
        file.store(UInt64(Int(recorded) + change), at: field)
        let error = try #require(open(try file.resealed()).failureValue)
        #expect(error.kind == .compression)
        #expect(error.message.contains("'embeddings'"))
    }

    @Test("an uncompressed section whose recorded size differs is corrupt")
    func uncompressedSizeMismatch() throws {
        var file = try Fixture.file(.none)
        let field = try Locate.sectionField(file, section: 0, .uncompressedSize)
        file.store(UInt64(Fixture.weights.count - 1), at: field)
        let error = try #require(open(try file.resealed()).failureValue)
        #expect(error.kind == .corrupt)
        #expect(error.message.contains("'weights'"))
    }

    @Test("another format version is reported as unsupported")
    func unsupportedVersion() throws {
        var file = try Fixture.file(.none)
        file.store(UInt32(3), at: try Locate.modelField(file, .formatVersion))
        let error = try #require(open(try file.resealed()).failureValue)
        #expect(error.kind == .unsupportedVersion)
        #expect(error.message.contains("version 3"))
    }

    @Test("a metadata edit without a new checksum is corrupt")
    func metadataChecksum() throws {
        var file = try Fixture.file(.none)
        file.store(UInt64(384), at: try Locate.tensorField(file, tensor: 2, .offset))
        let error = try #require(open(file).failureValue)
        #expect(error.kind == .corrupt)
        #expect(error.message.contains("metadata checksum"))
    }

    @Test("a re-sealed file whose tensor points outside its section fails the consistency checks")
    func semanticCheck() throws {
        var file = try Fixture.file(.none)
        file.store(UInt64(384), at: try Locate.tensorField(file, tensor: 2, .offset))
        let error = try #require(open(try file.resealed()).failureValue)
        #expect(error.kind == .corrupt)
        #expect(error.message.contains("'encoder.0.q.bias'"))
    }

    @Test("metadata whose offsets all point at one object cannot expand without bound")
    func expansionBudget() throws {
        var builder = FlatBufferBuilder()
        let word = builder.createString(String(repeating: "x", count: 1000))
        let vocab = builder.createVector(offsets: Array(repeating: word, count: 10000))
        builder.startTable()
        builder.add(QVBSchema.Tokenizer.vocab, vocab)
        let tokenizer = builder.endTable()
        builder.startTable()
        builder.add(QVBSchema.Model.tokenizer, tokenizer)
        let root = builder.endTable()
        let file = builder.finish(root: root, fileIdentifier: QVBSchema.fileIdentifier)
        file.withUnsafeBytes { bytes in
            var decoder = QVBDecoder(reader: FlatBufferReader(bytes: bytes))
            #expect(throws: FlatBufferError.self) { try decoder.decode() }
        }
    }
}

extension Result {
    /// The error, or nil on success.
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
