import Testing
@testable import QVKernels
@Test func placeholder() { #expect(Bool(true)) }
