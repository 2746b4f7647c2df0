// GEMM epilogues: every combination of scale kind, bias, activation (none, GELU, tanh) and residual gives exactly
// act(Float(acc) · scale + bias) + residual, bit-identical across paths; in-place residuals work.
import Testing
import QVKernels
import QVKernelsMath

/// One combination of epilogue options.
struct EpilogueCase: Sendable, CustomStringConvertible {
    let perColumnScale: Bool
    let withBias: Bool
    let activation: EpilogueActivation
    let withResidual: Bool

    static let all: [EpilogueCase] = [EpilogueActivation.none, .gelu, .tanh].flatMap { activation in
        (0..<8).map { EpilogueCase(perColumnScale: $0 & 1 != 0, withBias: $0 & 2 != 0, activation: activation, withResidual: $0 & 4 != 0) }
    }

    var description: String {
        "\(perColumnScale ? "perColumn" : "scalar")\(withBias ? "+bias" : "")\(activation == .none ? "" : "+\(activation)")\(withResidual ? "+residual" : "")"
    }
}

/// Epilogue operands for an M×N output, and the expected scalar formula.
struct EpilogueOperands {
    let m: Int, n: Int
    let scales: [Float]
    let bias: [Float]
    let residual: [Float]
    let residualStride: Int

    init(m: Int, n: Int, using generator: inout SeededGenerator) {
        self.m = m
        self.n = n
        scales = randomFloats(n, in: 0.001...0.05, using: &generator)
        bias = randomFloats(n, in: -2...2, using: &generator)
        residualStride = n + 3
        residual = randomFloats(m * residualStride, in: -4...4, using: &generator)
    }

    /// act(acc · scale + bias) + residual for element (`row`, `column`), as the test states it.
    func expected(_ accumulator: Float, row: Int, column: Int, _ options: EpilogueCase) -> Float {
        var value = accumulator * (options.perColumnScale ? scales[column] : scales[0])
        if options.withBias { value = value + bias[column] }
        switch options.activation {
        case .none: break
        case .gelu: value = gelu(value)
        case .tanh: value = hyperbolicTangent(value)
        }
        if options.withResidual { value = value + residual[row * residualStride + column] }
        return value
    }

    /// Runs `body` with the epilogue for `options` (pointers valid inside only).
    func withEpilogue<R>(_ options: EpilogueCase, _ body: (Epilogue) throws -> R) rethrows -> R {
        try scales.withUnsafeBufferPointer { scales in
            try bias.withUnsafeBufferPointer { bias in
                try residual.withUnsafeBufferPointer { residual in
                    try body(Epilogue(
                        scale: options.perColumnScale ? .perColumn(scales.baseAddress!) : .scalar(scales[0]),
                        bias: options.withBias ? bias.baseAddress : nil,
                        activation: options.activation,
                        residual: options.withResidual ? residual.baseAddress : nil,
                        residualStride: residualStride))
                }
            }
        }
    }
}

@Suite struct EpilogueTests {
    static let pairs = [FormatPair(a: .binary, w: .binary), FormatPair(a: .unsigned1, w: .binary),
                        FormatPair(a: .unsigned8, w: .signed2), FormatPair(a: .signed2, w: .unsigned2)]

    @Test(arguments: EpilogueCase.all)
    func integerEpilogueIsExactOnEveryPath(options: EpilogueCase) throws {
        var generator = SeededGenerator(seed: 21)
        let m = 5, n = 7, k = 70
        let operands = EpilogueOperands(m: m, n: n, using: &generator)
        for pair in Self.pairs {
            let (a, aCodes) = randomPacked(rows: m, columns: k, format: pair.a, using: &generator)
            let (w, wCodes) = randomPacked(rows: n, columns: k, format: pair.w, using: &generator)
            let accumulators = naiveAccumulators(aCodes, wCodes, m: m, n: n, k: k)
            let expected = (0..<m).flatMap { row in
                (0..<n).map { operands.expected(Float(accumulators[row * n + $0]), row: row, column: $0, options) }
            }
            for path in KernelPath.supported {
                let output = try operands.withEpilogue(options) {
                    try runGemm(a.packed, w.packed, epilogue: $0, outputStride: n + 1, path: path)
                }
                #expect(output.map(\.bitPattern) == expected.map(\.bitPattern), "\(pair) \(path) \(options)")
            }
        }
    }

    @Test(arguments: EpilogueCase.all)
    func floatEpilogueAppliesTheSameFormula(options: EpilogueCase) {
        var generator = SeededGenerator(seed: 22)
        let m = 6, n = 11, k = 37
        let operands = EpilogueOperands(m: m, n: n, using: &generator)
        let a = randomFloats(m * k, in: -1...1, using: &generator)
        let w = randomFloats(n * k, in: -1...1, using: &generator)
        for path in KernelPath.supported {
            let sums = runFloatGemm(a, w, m: m, n: n, k: k, epilogue: Epilogue(), path: path)
            let output = operands.withEpilogue(options) { runFloatGemm(a, w, m: m, n: n, k: k, epilogue: $0, path: path) }
            let expected = (0..<m).flatMap { row in
                (0..<n).map { operands.expected(sums[row * n + $0], row: row, column: $0, options) }
            }
            #expect(output.map(\.bitPattern) == expected.map(\.bitPattern), "\(path) \(options)")
        }
    }

    @Test func residualMayBeTheOutputItself() throws {
        var generator = SeededGenerator(seed: 23)
        let m = 3, n = 9, k = 100
        let (a, _) = randomPacked(rows: m, columns: k, format: .unsigned2, using: &generator)
        let (w, _) = randomPacked(rows: n, columns: k, format: .signed2, using: &generator)
        let residual = randomFloats(m * n, in: -1...1, using: &generator)
        for path in KernelPath.supported {
            let separate = try residual.withUnsafeBufferPointer {
                try runGemm(a.packed, w.packed, epilogue: Epilogue(scale: .scalar(0.01), activation: .gelu,
                                                                   residual: $0.baseAddress, residualStride: n),
                            outputStride: n, path: path)
            }
            var inPlace = residual
            try inPlace.withUnsafeMutableBufferPointer { (buffer) throws(KernelError) in
                let epilogue = Epilogue(scale: .scalar(0.01), activation: .gelu,
                                        residual: UnsafePointer(buffer.baseAddress!), residualStride: n)
                try integerGemm(a.packed, w.packed, epilogue: epilogue, output: buffer.baseAddress!, outputStride: n, path: path)
            }
            #expect(inPlace.map(\.bitPattern) == separate.map(\.bitPattern), "\(path)")
        }
    }
}
