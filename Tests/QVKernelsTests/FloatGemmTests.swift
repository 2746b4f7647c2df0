// FP32 GEMM (weights N×K) on every path and odd shape, against a Double reference with a
// relative error bound.
import Testing
import QVKernels

/// Runs floatGemm with padded strides and returns the M×N result; checks the row gaps stay untouched.
func runFloatGemm(_ a: [Float], _ w: [Float], m: Int, n: Int, k: Int, epilogue: Epilogue, path: KernelPath) -> [Float] {
    // Re-lay a and w with strides longer than k to catch stride mix-ups.
    let lda = k + 3, ldw = k + 1, outputStride = n + 2
    var paddedA = [Float](repeating: .nan, count: m * lda)
    var paddedW = [Float](repeating: .nan, count: n * ldw)
    for row in 0..<m { for index in 0..<k { paddedA[row * lda + index] = a[row * k + index] } }
    for row in 0..<n { for index in 0..<k { paddedW[row * ldw + index] = w[row * k + index] } }
    var output = [Float](repeating: .nan, count: m * outputStride)
    paddedA.withUnsafeBufferPointer { aBuffer in
        paddedW.withUnsafeBufferPointer { wBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                floatGemm(a: aBuffer.baseAddress!, lda: lda, w: wBuffer.baseAddress!, ldw: ldw, m: m, n: n, k: k,
                          epilogue: epilogue, output: outputBuffer.baseAddress!, outputStride: outputStride, path: path)
            }
        }
    }
    let gaps = (0..<m).flatMap { row in (n..<outputStride).map { output[row * outputStride + $0] } }
    #expect(gaps.allSatisfy { $0.isNaN }, "floatGemm wrote outside its N columns")
    return (0..<m).flatMap { row in (0..<n).map { output[row * outputStride + $0] } }
}

@Suite struct FloatGemmTests {
    @Test(arguments: KernelPath.supported)
    func sumsMatchDoubleReference(path: KernelPath) {
        var generator = SeededGenerator(seed: 31)
        for m in sweepRows {
            for n in sweepColumns {
                for k in sweepDepths {
                    let a = randomFloats(m * k, in: -2...2, using: &generator)
                    let w = randomFloats(n * k, in: -2...2, using: &generator)
                    let output = runFloatGemm(a, w, m: m, n: n, k: k, epilogue: Epilogue(), path: path)
                    var worst = 0.0
                    for row in 0..<m {
                        for column in 0..<n {
                            var exact = 0.0, magnitude = 0.0
                            for index in 0..<k {
                                let term = Double(a[row * k + index]) * Double(w[column * k + index])
                                exact += term
                                magnitude += abs(term)
                            }
                            let bound = Double(k) * Double(Float.ulpOfOne) * magnitude + 1e-30
                            worst = max(worst, abs(Double(output[row * n + column]) - exact) / bound)
                        }
                    }
                    #expect(worst <= 1, "\(path) \(m)×\(n)×\(k)")
                }
            }
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
