import Testing
@testable import QVCommandLine
@Test func placeholder() { #expect(Bool(true)) }
