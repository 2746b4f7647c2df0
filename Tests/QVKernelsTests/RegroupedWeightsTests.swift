// Weights regrouped once for the AVX-512 VNNI kernel give exactly the products of the plain
// packed weights, whole or sliced at 16-row boundaries, float or codes output.
import Testing
import QVKernels

@Suite struct RegroupedWeightsTests {
    @Test(arguments: [FormatPair(a: .unsigned2, w: .signed2), FormatPair(a: .signed2, w: .unsigned2),
                      FormatPair(a: .unsigned8, w: .signed2), FormatPair(a: .signed2, w: .signed2)])
    func regroupedProductsEqualThePlainOnes(pair: FormatPair) throws {
        var generator = SeededGenerator(seed: 77)
        for (m, n, k) in [(1, 1, 1), (5, 17, 63), (37, 48, 130), (128, 100, 384), (3, 64, 513)] {
            let (a, _) = randomPacked(rows: m, columns: k, format: pair.a, using: &generator)
            let (w, _) = randomPacked(rows: n, columns: k, format: pair.w, using: &generator)
            scribbleOverPadding(w, using: &generator)   // regrouping must read codes, never padding
            for path in KernelPath.supported {
                let plain = try runGemm(a.packed, w.packed, epilogue: Epilogue(), outputStride: n, path: path)
                guard let regrouped = RegroupedWeights(w.packed, path: path) else {
                    #expect(path != .avx512 || !vnni512, "\(path) should regroup 2-bit weights")
                    continue
                }
                var output = [Float](repeating: .nan, count: m * n)
                for first in stride(from: 0, to: n, by: 32) {   // slices as a column split makes them
                    let rows = min(32, n - first)
                    let slice = PackedMatrix(base: w.packed.base + first * w.packed.rowStride, rows: rows, columns: k,
                                             rowStride: w.packed.rowStride, format: pair.w)
                    try output.withUnsafeMutableBufferPointer { out throws(KernelError) in
                        try integerGemm(a.packed, slice, regrouped: regrouped.fromRow(first), epilogue: Epilogue(),
                                        output: out.baseAddress! + first, outputStride: n, path: path)
                    }
                }
                #expect(output == plain, "\(pair) \(path) \(m)×\(n)×\(k)")
            }
        }
    }

    @Test func refusesWeightsItWasNotMadeFrom() {
        var generator = SeededGenerator(seed: 3)
        let (a, _) = randomPacked(rows: 2, columns: 64, format: .unsigned2, using: &generator)
        let (w, _) = randomPacked(rows: 16, columns: 64, format: .signed2, using: &generator)
        let (other, _) = randomPacked(rows: 16, columns: 65, format: .signed2, using: &generator)
        guard let regrouped = RegroupedWeights(w.packed, path: .avx512) else { return }
        var output = [Float](repeating: 0, count: 32)
        #expect(throws: KernelError.self) {
            try output.withUnsafeMutableBufferPointer { out throws(KernelError) in
                try integerGemm(a.packed, other.packed, regrouped: regrouped.fromRow(0), epilogue: Epilogue(),
                                output: out.baseAddress!, outputStride: 16, path: .avx512)
            }
        }
    }
}
