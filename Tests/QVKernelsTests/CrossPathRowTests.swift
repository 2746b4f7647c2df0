// The shared FP32 row kernels (softmax, quantize-and-pack, the integer-GEMM epilogue) give the
// same bits on every path this CPU runs: each ISA module compiles the same operations.
import Testing
import QVKernels

@Suite struct CrossPathRowTests {
    /// Seeded values with ties, tiny and huge magnitudes.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let u = Float(state >> 40) / Float(1 << 24)
            return (u - 0.5) * 24
        }
    }

    @Test(arguments: [1, 5, 16, 17, 31, 128, 131])
    func softmaxIsIdenticalOnEveryPath(count: Int) {
        let input = Self.values(count, seed: UInt64(count))
        var reference = input
        softmaxInPlace(&reference, count: count, path: .portable)
        #expect(abs(reference.reduce(0, +) - 1) < 1e-5)
        for path in KernelPath.supported {
            var row = input
            softmaxInPlace(&row, count: count, path: path)
            #expect(row.map(\.bitPattern) == reference.map(\.bitPattern), "\(path)")
        }
    }

    @Test func softmaxPropagatesNaNOnEveryPath() {
        for path in KernelPath.supported {
            var row: [Float] = [1, .nan, 2, 3]
            softmaxInPlace(&row, count: 4, path: path)
            #expect(row.allSatisfy { $0.isNaN }, "\(path)")
        }
    }

    @Test(arguments: [QuantFormat.binary, .unsigned1, .signed2, .unsigned2, .signed8, .unsigned8])
    func quantizeRowsIsIdenticalOnEveryPath(format: QuantFormat) {
        let rows = 5, columns = 77
        let input = Self.values(rows * columns, seed: 7)
        let quantizer = Quantizer(format: format, scale: 0.37, offset: format.scheme == .unsignedOffset ? -3 : 0)
        let stride = packedRowStride(columns: columns, format: format)
        func packed(_ path: KernelPath) -> [UInt8] {
            var bytes = [UInt8](repeating: 0xAA, count: rows * stride)
            bytes.withUnsafeMutableBytes { raw in
                let m = MutablePackedMatrix(base: raw.baseAddress!, rows: rows, columns: columns, rowStride: stride, format: format)
                quantizeRows(input, sourceStride: columns, quantizer: quantizer, into: m, path: path)
            }
            return bytes
        }
        let reference = packed(.scalar)
        for path in KernelPath.supported { #expect(packed(path) == reference, "\(format) on \(path)") }
    }
}
