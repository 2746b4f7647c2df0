import Foundation
import Testing
@testable import QVCompiler

/// Integer fields of a model folder's JSON: whole numbers (0 and 1 included: Foundation on Linux
/// bridges them to `Bool` as well) are read, fractions, strings and JSON booleans refused.
@Suite struct JSONFileTests {
    nonisolated(unsafe) static let file = try! JSONFile.parse(Data(#"{"zero": 0, "one": 1, "two": 2, "whole": 3.0, "yes": true, "no": false, "fraction": 32.7, "text": "4", "huge": 1e30}"#.utf8), path: "config.json")

    @Test func integers() throws {
        #expect(try Self.file.int("zero") == 0)
        #expect(try Self.file.int("one") == 1)
        #expect(try Self.file.int("two") == 2)
        #expect(try Self.file.int("whole") == 3)
        #expect(try Self.file.int("huge") == Int.max)
        #expect(try Self.file.int("absent") == nil)
        #expect(try Self.file.requiredPositive("one") == 1)
    }

    @Test(arguments: ["yes", "no", "fraction", "text"])
    func nonIntegersAreRefused(_ key: String) {
        #expect(throws: CompileError.self) { _ = try Self.file.int(key) }
        #expect(throws: CompileError.self) { _ = try Self.file.requiredPositive(key) }
    }
}
