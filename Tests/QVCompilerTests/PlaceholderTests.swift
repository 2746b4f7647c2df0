import Testing
@testable import QVCompiler
@Test func placeholder() { #expect(Bool(true)) }
