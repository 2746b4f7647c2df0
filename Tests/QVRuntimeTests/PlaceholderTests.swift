import Testing
@testable import QVRuntime
@Test func placeholder() { #expect(Bool(true)) }
