// softmaxInPlace: agreement with a Double reference, sums to 1, -inf handling, extremes.
import Foundation
import Testing
import QVKernels

@Suite struct SoftmaxTests {
    static func softmax(_ values: [Float]) -> [Float] {
        var result = values
        result.withUnsafeMutableBufferPointer { softmaxInPlace($0.baseAddress!, count: $0.count) }
        return result
    }

    @Test func matchesDoubleReferenceAndSumsToOne() {
        var generator = SeededGenerator(seed: 41)
        for count in [1, 2, 3, 4, 5, 7, 8, 9, 31, 128, 257] {
            let values = randomFloats(count, in: -20...20, using: &generator)
            let result = Self.softmax(values)
            // The kernel subtracts the maximum in FP32 (as PyTorch does); the rest is checked in Double.
            let maximum = values.max()!
            let exps = values.map { Foundation.exp(Double($0 - maximum)) }
            let total = exps.reduce(0, +)
            for (value, e) in zip(result, exps) {
                #expect(ulpDistance(value, e / total) <= 4, "count \(count)")
            }
            #expect(abs(result.reduce(0, +) - 1) <= 1e-5, "count \(count)")
        }
    }

    @Test func minusInfinityGetsZeroProbability() {
        let result = Self.softmax([0, -.infinity, 0, -.infinity, 1, -.infinity])
        #expect(result[1] == 0 && result[3] == 0 && result[5] == 0)
        #expect(abs(result.reduce(0, +) - 1) <= 1e-6)
        #expect(result[0] == result[2])
    }

    @Test func allMinusInfinityGivesZeros() {
        #expect(Self.softmax([-.infinity, -.infinity, -.infinity, -.infinity, -.infinity]) == [0, 0, 0, 0, 0])
    }

    @Test func extremesStayFinite() {
        #expect(Self.softmax([1000, 1000]) == [0.5, 0.5])
        #expect(Self.softmax([3e38, -3e38, 0, 1]) == [1, 0, 0, 0])
        #expect(Self.softmax([42]) == [1])
        #expect(Self.softmax([1, .nan, 2]).allSatisfy { $0.isNaN })
    }
}
