import Testing
@testable import QVFormat
@Test func placeholder() { #expect(Bool(true)) }
