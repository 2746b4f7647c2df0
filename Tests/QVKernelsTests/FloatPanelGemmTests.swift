// FP32 GEMM on 16-column panels, on every path and odd shape, against a Double reference with a
// relative error bound; panel packing; column splits at panel boundaries give the same bits.
import Testing
import QVKernels

/// Packs `w` (n×k, PyTorch Linear layout) into panels, runs floatPanelGemm with padded strides
/// and returns the M×N result; checks the row gaps stay untouched.
func runFloatGemm(_ a: [Float], _ w: [Float], m: Int, n: Int, k: Int, epilogue: Epilogue, path: KernelPath) -> [Float] {
    let lda = k + 3, outputStride = n + 2
    var paddedA = [Float](repeating: .nan, count: m * lda)
    for row in 0..<m { for index in 0..<k { paddedA[row * lda + index] = a[row * k + index] } }
    var panels = [Float](repeating: .nan, count: max(1, floatPanelCount(rows: n, columns: k)))
    w.withUnsafeBufferPointer { source in
        panels.withUnsafeMutableBufferPointer {
            packFloatPanels(source.baseAddress ?? UnsafePointer($0.baseAddress!), sourceStride: k, rows: n, columns: k, into: $0.baseAddress!)
        }
    }
    var output = [Float](repeating: .nan, count: m * outputStride)
    paddedA.withUnsafeBufferPointer { aBuffer in
        panels.withUnsafeBufferPointer { panelBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                floatPanelGemm(a: aBuffer.baseAddress!, lda: lda, b: FloatPanels(packed: panelBuffer.baseAddress!, depth: k),
                               m: m, n: n, k: k, epilogue: epilogue, output: outputBuffer.baseAddress!,
                               outputStride: outputStride, path: path)
            }
        }
    }
    let gaps = (0..<m).flatMap { row in (n..<outputStride).map { output[row * outputStride + $0] } }
    #expect(gaps.allSatisfy { $0.isNaN }, "floatPanelGemm wrote outside its N columns")
    return (0..<m).flatMap { row in (0..<n).map { output[row * outputStride + $0] } }
}

/// The largest error of `output` (M×N) against Σ_k a·B in Double, in units of K·ε·Σ|terms|.
func worstRelativeError(_ output: [Float], m: Int, n: Int, k: Int, a: [Float], b: (Int, Int) -> Float) -> Double {
    var worst = 0.0
    for row in 0..<m {
        for column in 0..<n {
            var exact = 0.0, magnitude = 0.0
            for index in 0..<k {
                let term = Double(a[row * k + index]) * Double(b(index, column))
                exact += term
                magnitude += abs(term)
            }
            let bound = Double(k) * Double(Float.ulpOfOne) * magnitude + 1e-30
            worst = max(worst, abs(Double(output[row * n + column]) - exact) / bound)
        }
    }
    return worst
}

@Suite struct FloatPanelGemmTests {
    static let columns = sweepColumns + [16, 48]

    @Test(arguments: KernelPath.supported)
    func sumsMatchDoubleReference(path: KernelPath) {
        var generator = SeededGenerator(seed: 31)
        for m in sweepRows + [8, 9] {
            for n in Self.columns {
                for k in sweepDepths {
                    let a = randomFloats(m * k, in: -2...2, using: &generator)
                    let w = randomFloats(n * k, in: -2...2, using: &generator)
                    let output = runFloatGemm(a, w, m: m, n: n, k: k, epilogue: Epilogue(), path: path)
                    let worst = worstRelativeError(output, m: m, n: n, k: k, a: a) { w[$1 * k + $0] }
                    #expect(worst <= 1, "\(path) \(m)×\(n)×\(k)")
                }
            }
        }
    }

    /// A row-major K×N right-hand side read in place (panels 16 floats apart, rows `ldb` apart),
    /// as attention multiplies probabilities by v.
    @Test(arguments: KernelPath.supported)
    func stridedRowMajorRightHandSide(path: KernelPath) {
        var generator = SeededGenerator(seed: 32)
        let m = 19, n = 32, k = 45, ldb = 80
        let a = randomFloats(m * k, in: -2...2, using: &generator)
        let b = randomFloats(k * ldb, in: -2...2, using: &generator)
        var output = [Float](repeating: .nan, count: m * n)
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                output.withUnsafeMutableBufferPointer {
                    floatPanelGemm(a: aBuffer.baseAddress!, lda: k, b: FloatPanels(base: bBuffer.baseAddress!, rowStride: ldb, panelStride: 16),
                                   m: m, n: n, k: k, epilogue: Epilogue(), output: $0.baseAddress!, outputStride: n, path: path)
                }
            }
        }
        #expect(worstRelativeError(output, m: m, n: n, k: k, a: a) { b[$0 * ldb + $1] } <= 1, "\(path)")
    }

    @Test func packingPlacesEveryElementAndZeroPads() {
        let rows = 21, columns = 5, stride = 7
        let source = (0..<rows * stride).map { Float($0) }
        var panels = [Float](repeating: .nan, count: floatPanelCount(rows: rows, columns: columns))
        #expect(panels.count == 2 * 16 * columns)
        source.withUnsafeBufferPointer { s in
            panels.withUnsafeMutableBufferPointer {
                packFloatPanels(s.baseAddress!, sourceStride: stride, rows: rows, columns: columns, into: $0.baseAddress!)
            }
        }
        for panel in 0..<2 {
            for column in 0..<columns {
                for lane in 0..<16 {
                    let row = 16 * panel + lane
                    let expected: Float = row < rows ? source[row * stride + column] : 0
                    #expect(panels[panel * 16 * columns + column * 16 + lane] == expected)
                }
            }
        }
    }

    /// Computing the columns in two chunks split at a panel boundary (as two worker threads do)
    /// gives the same bits as one call.
    @Test(arguments: KernelPath.supported)
    func columnSplitGivesTheSameBits(path: KernelPath) {
        var generator = SeededGenerator(seed: 33)
        let m = 13, n = 70, k = 77, split = 32
        let a = randomFloats(m * k, in: -1...1, using: &generator)
        let w = randomFloats(n * k, in: -1...1, using: &generator)
        let bias = randomFloats(n, in: -1...1, using: &generator)
        var panels = [Float](repeating: 0, count: floatPanelCount(rows: n, columns: k))
        w.withUnsafeBufferPointer { s in
            panels.withUnsafeMutableBufferPointer { packFloatPanels(s.baseAddress!, sourceStride: k, rows: n, columns: k, into: $0.baseAddress!) }
        }
        var whole = [Float](repeating: 0, count: m * n), pieces = whole
        a.withUnsafeBufferPointer { a in
            panels.withUnsafeBufferPointer { p in
                bias.withUnsafeBufferPointer { bias in
                    let b = FloatPanels(packed: p.baseAddress!, depth: k)
                    whole.withUnsafeMutableBufferPointer {
                        floatPanelGemm(a: a.baseAddress!, lda: k, b: b, m: m, n: n, k: k,
                                       epilogue: Epilogue(bias: bias.baseAddress, activation: .gelu), output: $0.baseAddress!, outputStride: n, path: path)
                    }
                    pieces.withUnsafeMutableBufferPointer {
                        for columns in [0..<split, split..<n] {
                            floatPanelGemm(a: a.baseAddress!, lda: k, b: b.dropping(panels: columns.lowerBound / 16),
                                           m: m, n: columns.count, k: k,
                                           epilogue: Epilogue(bias: bias.baseAddress! + columns.lowerBound, activation: .gelu),
                                           output: $0.baseAddress! + columns.lowerBound, outputStride: n, path: path)
                        }
                    }
                }
            }
        }
        #expect(whole.map(\.bitPattern) == pieces.map(\.bitPattern), "\(path)")
    }

    @Test func residualMayBeTheOutputItself() {
        var generator = SeededGenerator(seed: 34)
        let m = 11, n = 37, k = 29
        let a = randomFloats(m * k, in: -1...1, using: &generator)
        let w = randomFloats(n * k, in: -1...1, using: &generator)
        let residual = randomFloats(m * n, in: -1...1, using: &generator)
        var panels = [Float](repeating: 0, count: floatPanelCount(rows: n, columns: k))
        w.withUnsafeBufferPointer { s in
            panels.withUnsafeMutableBufferPointer { packFloatPanels(s.baseAddress!, sourceStride: k, rows: n, columns: k, into: $0.baseAddress!) }
        }
        for path in KernelPath.supported {
            let separate = residual.withUnsafeBufferPointer { r in
                runFloatGemm(a, w, m: m, n: n, k: k, epilogue: Epilogue(activation: .gelu, residual: r.baseAddress, residualStride: n), path: path)
            }
            var inPlace = residual
            a.withUnsafeBufferPointer { a in
                panels.withUnsafeBufferPointer { p in
                    inPlace.withUnsafeMutableBufferPointer { out in
                        let epilogue = Epilogue(activation: .gelu, residual: UnsafePointer(out.baseAddress!), residualStride: n)
                        floatPanelGemm(a: a.baseAddress!, lda: k, b: FloatPanels(packed: p.baseAddress!, depth: k), m: m, n: n, k: k,
                                       epilogue: epilogue, output: out.baseAddress!, outputStride: n, path: path)
                    }
                }
            }
            #expect(inPlace.map(\.bitPattern) == separate.map(\.bitPattern), "\(path)")
        }
    }

    @Test func emptyDepthGivesTheEpilogueOfZero() {
        let bias: [Float] = [0.5, -1, 2]
        for path in KernelPath.supported {
            let output = bias.withUnsafeBufferPointer {
                runFloatGemm([], [], m: 2, n: 3, k: 0, epilogue: Epilogue(bias: $0.baseAddress), path: path)
            }
            #expect(output == [0.5, -1, 2, 0.5, -1, 2])
        }
    }
}
