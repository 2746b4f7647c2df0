import Foundation
import Testing
@testable import QVCAPI

/// The C API (include/qv.h) called as C calls it: through its exported functions, with opaque
/// handles, status codes and message buffers. Every misuse a C caller can make — NULL pointers,
/// a file that is not a model, an input that does not fit, an output that does not exist, a
/// budget too small — comes back as its code with a one-line message, never a crash.
@Suite struct CAPITests {
    static let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/seeds/qvb")
    typealias Status = APIError.Status

    /// Loads the seed `name`.qvb through qv_model_load_memory.
    static func load(_ name: String) throws -> OpaquePointer {
        let bytes = try Data(contentsOf: seeds.appendingPathComponent("\(name).qvb"))
        var model: OpaquePointer?
        let status = bytes.withUnsafeBytes { qvModelLoadMemory($0.baseAddress, $0.count, &model, nil, 0) }
        try #require(status == Status.ok.rawValue)
        return try #require(model)
    }

    /// A session on `model`, or the failure's status and message.
    static func session(_ model: OpaquePointer?, threads: Int32 = 1, budget: Int = 0) -> (OpaquePointer?, Int32, String) {
        var session: OpaquePointer?
        var message = [CChar](repeating: 0, count: 256)
        let status = qvSessionCreate(model, threads, budget, &session, &message, message.count)
        return (session, status, Self.text(message))
    }

    static func error(_ session: OpaquePointer?) -> String { String(cString: qvSessionError(session)!) }

    /// The NUL-terminated text in a message buffer.
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Output `index` of the last run.
    static func output(_ session: OpaquePointer?, _ index: Int) -> [Float]? {
        var values: UnsafePointer<Float>?
        var count = 0
        guard qvSessionOutput(session, index, &values, &count) == Status.ok.rawValue, let values else { return nil }
        return Array(UnsafeBufferPointer(start: values, count: count))
    }

    @Test func textRunsGiveTheEmbeddingAndIdsAndThreadsChangeNothing() throws {
        let model = try Self.load("bert-w2a2")
        defer { qvModelFree(model) }
        #expect(qvModelTakesText(model) == 1 && qvModelMaxTokens(model) == 64 && qvModelOutputCount(model) == 1)
        #expect(String(cString: qvModelOutputName(model, 0)!) == "embedding" && qvModelOutputName(model, 1) == nil)
        var results: [[Float]] = []
        for threads: Int32 in [1, 2] {
            let (session, status, message) = Self.session(model, threads: threads)
            try #require(status == Status.ok.rawValue, "\(message)")
            defer { qvSessionFree(session) }
            #expect(qvSessionRunText(session, "the quick brown fox") == Status.ok.rawValue, "\(Self.error(session))")
            #expect(Self.error(session) == "")
            var ids: UnsafePointer<Int32>?
            var count = 0
            #expect(qvSessionIds(session, &ids, &count) == Status.ok.rawValue && count == 6 && ids?[0] == 101 && ids?[5] == 102)
            results.append(try #require(Self.output(session, 0)))
        }
        #expect(results[0].count == 16 && results[0] == results[1])
    }

    @Test func badFilesAreFileErrorsWithTheirMessage() throws {
        var model: OpaquePointer? = OpaquePointer(bitPattern: 1)
        var message = [CChar](repeating: 0, count: 256)
        let junk = [UInt8](repeating: 7, count: 100)
        #expect(junk.withUnsafeBytes { qvModelLoadMemory($0.baseAddress, $0.count, &model, &message, message.count) } == Status.file.rawValue)
        #expect(model == nil && Self.text(message).contains("not a qv model file"))
        #expect(qvModelLoadFile("/no/such/model.qvb", &model, &message, message.count) == Status.io.rawValue)
        #expect(Self.text(message) == "cannot open '/no/such/model.qvb': No such file or directory")
        #expect(qvModelLoadFile(Self.seeds.path, &model, &message, message.count) == Status.io.rawValue)
        #expect(Self.text(message) == "'\(Self.seeds.path)' is not a regular file")
        let truncated = try Data(contentsOf: Self.seeds.appendingPathComponent("bert-fp32.qvb")).prefix(1000)
        #expect(truncated.withUnsafeBytes { qvModelLoadMemory($0.baseAddress, $0.count, &model, &message, message.count) } == Status.file.rawValue)
        #expect(Self.text(message).contains("truncated"))
        // NULL arguments and a message cut to its buffer at a character boundary.
        #expect(qvModelLoadMemory(nil, 10, &model, &message, message.count) == Status.argument.rawValue)
        #expect(qvModelLoadFile(nil, nil, nil, 0) == Status.argument.rawValue)
        var small = [CChar](repeating: 1, count: 8)
        #expect(qvModelLoadFile("/no/such/file", &model, &small, small.count) == Status.io.rawValue)
        #expect(small[7] == 0 && Self.text(small) == "cannot ")
    }

    @Test func filesAreMappedAndTellTheirRolesAndLabels() throws {
        var model: OpaquePointer?
        var message = [CChar](repeating: 0, count: 256)
        let path = Self.seeds.appendingPathComponent("classifier-w2a2.qvb").path
        try #require(qvModelLoadFile(path, &model, &message, message.count) == Status.ok.rawValue, "\(Self.text(message))")
        defer { qvModelFree(model) }
        let handle = try #require(model.map { Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() })
        guard case .mapped = handle.storage else { Issue.record("a file was copied, not mapped"); return }
        #expect(Int(bitPattern: handle.storage.bytes.baseAddress) % 4096 == 0)
        let roles = (0..<qvModelOutputCount(model)).map { qvModelOutputRole(model, $0) }
        #expect(roles.contains(6) && qvModelOutputRole(model, 99) == 0, "\(roles)")
        let labels = (0..<qvModelLabelCount(model)).map { String(cString: qvModelLabel(model, $0)!) }
        #expect(labels.count == 3 && qvModelLabel(model, 3) == nil, "\(labels)")
        let text = try Self.load("bert-w2a2")
        defer { qvModelFree(text) }
        #expect(qvModelOutputRole(text, 0) == 5 && qvModelLabelCount(text) == 0)
        // An empty file is a damaged model, not a crash.
        let empty = try emptyTemporaryFile()
        var none: OpaquePointer?
        #expect(qvModelLoadFile(empty, &none, &message, message.count) == Status.file.rawValue && none == nil)
        #expect(Self.text(message).hasPrefix("'\(empty)': "), "\(Self.text(message))")
    }

    @Test func inputsThatDoNotFitAreInputErrors() throws {
        let model = try Self.load("classifier-w2a2")
        defer { qvModelFree(model) }
        let (session, status, _) = Self.session(model)
        try #require(status == Status.ok.rawValue)
        defer { qvSessionFree(session) }
        #expect(qvSessionRunText(session, "  ") == Status.input.rawValue && Self.error(session).contains("empty"))
        let outOfRange: [Int32] = [101, 99_999, 102]
        #expect(qvSessionRunIds(session, outOfRange, outOfRange.count) == Status.input.rawValue, "\(Self.error(session))")
        #expect(Self.output(session, 0) == nil, "a failed run leaves no outputs")
        #expect(qvSessionRunIds(session, nil, 3) == Status.argument.rawValue)
        #expect(qvSessionRunFloats(session, [1, 2], 2) == Status.unsupported.rawValue)
        #expect(qvSessionRunText(session, "the dog") == Status.ok.rawValue)
        #expect(Self.output(session, 0)?.count == 3 && Self.output(session, 1) == nil)
        #expect(qvSessionRunText(nil, "x") == Status.argument.rawValue && qvSessionError(nil) == nil)
    }

    @Test func sessionsRefuseBadThreadsAndBudgets() throws {
        let model = try Self.load("bert-w1a1")
        defer { qvModelFree(model) }
        let tooSmall = Self.session(model, budget: 4096)
        #expect(tooSmall.0 == nil && tooSmall.1 == Status.memory.rawValue && tooSmall.2.contains("memory budget"), "\(tooSmall.2)")
        #expect(Self.session(model, threads: 0).1 == Status.argument.rawValue)
        #expect(Self.session(nil).1 == Status.argument.rawValue)
        #expect(qvSessionCreate(model, 1, 0, nil, nil, 0) == Status.argument.rawValue)
        qvSessionFree(nil)
        qvModelFree(nil)
    }
}

/// An empty file in a fresh temporary folder.
private func emptyTemporaryFile() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qv-capi-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("empty.qvb").path
    FileManager.default.createFile(atPath: path, contents: Data())
    return path
}
