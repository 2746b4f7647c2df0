// exp, erf, GELU and tanh against libm in Double (Foundation, test-only), plus special values and
// agreement between the scalar and array forms.
import Foundation
import Testing
import QVKernels

@Suite struct ElementwiseMathTests {
    /// An evenly spaced sweep plus random points in `range`.
    static func samples(_ range: ClosedRange<Float>, count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let step = (range.upperBound - range.lowerBound) / Float(count)
        return (0..<count).map { range.lowerBound + Float($0) * step }
            + randomFloats(count, in: range, using: &generator)
    }

    @Test func exponentialIsWithinTwoUlpsEverywhere() {
        var worst = 0.0
        for x in Self.samples(-104...89, count: 40_000, seed: 1) + Self.samples(-1...1, count: 10_000, seed: 2) {
            let value = exponential(x)
            let reference = Foundation.exp(Double(x))
            if reference > Double(Float.greatestFiniteMagnitude) {
                #expect(value == .infinity, "exp(\(x))")
            } else {
                worst = max(worst, ulpDistance(value, reference))
            }
        }
        #expect(worst <= 2, "worst \(worst) ulp")
    }

    @Test func exponentialSpecialValues() {
        #expect(exponential(0) == 1)
        #expect(exponential(-0.0) == 1)
        #expect(exponential(.infinity) == .infinity)
        #expect(exponential(-.infinity) == 0)
        #expect(exponential(.nan).isNaN)
        #expect(exponential(88.72) < .infinity)
        #expect(exponential(88.73) == .infinity)
        #expect(exponential(-110) == 0)
        #expect(exponential(-103.5) > 0)  // subnormal results survive
        #expect(exponential(1) == Float(M_E))
    }

    @Test func errorFunctionIsWithinAbsoluteBound() {
        var worst = 0.0
        for x in Self.samples(-6...6, count: 60_000, seed: 3) {
            let value = errorFunction(x)
            worst = max(worst, abs(Double(value) - Foundation.erf(Double(x))))
            #expect(errorFunction(-x).bitPattern == (-value).bitPattern, "odd symmetry at \(x)")
        }
        #expect(worst <= 2e-7, "worst \(worst)")
    }

    @Test func errorFunctionSpecialValues() {
        #expect(errorFunction(0) == 0)
        #expect(errorFunction(-0.0).sign == .minus)
        #expect(errorFunction(.infinity) == 1)
        #expect(errorFunction(-.infinity) == -1)
        #expect(errorFunction(10) == 1)
        #expect(errorFunction(.nan).isNaN)
        #expect(errorFunction(1e-20) == Float(1e-20 * 2 / Double.pi.squareRoot()))
    }

    @Test func geluMatchesDoubleReference() {
        var worst = 0.0
        for x in Self.samples(-10...10, count: 40_000, seed: 4) {
            let reference = 0.5 * Double(x) * (1 + Foundation.erf(Double(x) / 2.0.squareRoot()))
            // The erf bound scaled by |x|/2, plus rounding of the final products.
            let bound = 1.5e-7 * max(1, Double(abs(x))) + Double(Float(reference).ulp) * 2
            worst = max(worst, abs(Double(gelu(x)) - reference) / bound)
        }
        #expect(worst <= 1, "worst \(worst) of the bound")
        #expect(gelu(0) == 0)
        #expect(gelu(20) == 20)
        #expect(gelu(-20) == 0)
        #expect(gelu(.infinity) == .infinity)
        #expect(gelu(.nan).isNaN)
    }

    @Test func hyperbolicTangentIsWithinTwoUlpsEverywhere() {
        var worst = 0.0
        for x in Self.samples(-12...12, count: 60_000, seed: 6) + Self.samples(-0.6...0.6, count: 20_000, seed: 7) {
            let value = hyperbolicTangent(x)
            worst = max(worst, ulpDistance(value, Foundation.tanh(Double(x))))
            #expect(hyperbolicTangent(-x).bitPattern == (-value).bitPattern, "odd symmetry at \(x)")
        }
        #expect(worst <= 2, "worst \(worst) ulp")
    }

    @Test func hyperbolicTangentSpecialValues() {
        #expect(hyperbolicTangent(0) == 0)
        #expect(hyperbolicTangent(-0.0).sign == .minus)
        #expect(hyperbolicTangent(1e-30) == 1e-30)
        #expect(hyperbolicTangent(.infinity) == 1)
        #expect(hyperbolicTangent(-.infinity) == -1)
        #expect(hyperbolicTangent(20) == 1)
        #expect(hyperbolicTangent(100) == 1)
        #expect(hyperbolicTangent(.nan).isNaN)
    }

    @Test func arrayFormsEqualScalarFormsBitForBit() {
        var generator = SeededGenerator(seed: 5)
        for count in 0...13 {
            let values = randomFloats(count, in: -6...6, using: &generator)
            var transformed = values
            transformed.withUnsafeMutableBufferPointer { geluInPlace($0.baseAddress!, count: count) }
            #expect(transformed.map(\.bitPattern) == values.map { gelu($0).bitPattern }, "count \(count)")
            transformed = values
            transformed.withUnsafeMutableBufferPointer { hyperbolicTangentInPlace($0.baseAddress!, count: count) }
            #expect(transformed.map(\.bitPattern) == values.map { hyperbolicTangent($0).bitPattern }, "count \(count)")
        }
    }
}
