// quantizeRows against Quantizer.code(_:) element by element, on edge values
// and random data, with padding and guard bytes checked, on every path.
import Testing
import QVKernels

@Suite struct QuantizeTests {
    /// Quantizers with a power-of-two scale, so that half-way points are exact floats.
    static func quantizers(for format: QuantFormat) -> [Quantizer] {
        [Quantizer(format: format, scale: 0.25, offset: 0),
         Quantizer(format: format, scale: 0.5, offset: 1.5),
         Quantizer(format: format, scale: 0.1, offset: -0.3)]
    }

    /// Values that stress rounding and clamping for `quantizer`.
    static func edgeValues(for quantizer: Quantizer) -> [Float] {
        let format = quantizer.format
        var values: [Float] = [
            .infinity, -.infinity, .nan, -.nan, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
            1e30, -1e30, 1e-30, -1e-30, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 0, -0.0,
            quantizer.offset, quantizer.offset.nextUp, quantizer.offset.nextDown,
        ]
        for code in (format.codeMin - 2)...(format.codeMax + 2) {
            let center = quantizer.offset + Float(code) * quantizer.scale
            let halfUp = quantizer.offset + (Float(code) + 0.5) * quantizer.scale
            values += [center, halfUp, halfUp.nextUp, halfUp.nextDown, center.nextUp, center.nextDown]
        }
        return values
    }

    @Test(arguments: allFormats)
    func edgeValuesGiveExactlyQuantizerCodes(format: QuantFormat) {
        for quantizer in Self.quantizers(for: format) {
            let values = Self.edgeValues(for: quantizer)
            for path in KernelPath.supported {
                let buffer = PackedBuffer(rows: 1, columns: values.count, format: format)
                values.withUnsafeBufferPointer {
                    quantizeRows($0.baseAddress!, sourceStride: values.count, quantizer: quantizer,
                                 into: buffer.matrix, path: path)
                }
                for (column, x) in values.enumerated() {
                    #expect(buffer.packed.code(row: 0, column: column) == quantizer.code(x),
                            "\(format) \(path) x=\(x) scale=\(quantizer.scale) offset=\(quantizer.offset)")
                }
                #expect(buffer.paddingIsCanonical)
                #expect(buffer.guardIntact)
            }
        }
    }

    @Test(arguments: allFormats)
    func randomRowsMatchQuantizerAndPathsAgreeByteForByte(format: QuantFormat) {
        var generator = SeededGenerator(seed: 11)
        let quantizer = Quantizer(format: format, scale: 0.37, offset: format.scheme == .signedSymmetric ? 0 : -1.1)
        for columns in [1, 7, 15, 16, 17, 63, 64, 65, 130, 513] {
            let rows = 3, sourceStride = columns + 5
            let source = randomFloats(rows * sourceStride, in: -60...60, using: &generator)
            var bytesByPath: [[UInt8]] = []
            for path in KernelPath.supported {
                let buffer = PackedBuffer(rows: rows, columns: columns, format: format)
                source.withUnsafeBufferPointer {
                    quantizeRows($0.baseAddress!, sourceStride: sourceStride, quantizer: quantizer, into: buffer.matrix, path: path)
                }
                let expected = (0..<rows).flatMap { row in
                    (0..<columns).map { quantizer.code(source[row * sourceStride + $0]) }
                }
                #expect(buffer.codes == expected, "\(format) \(path) columns \(columns)")
                #expect(buffer.paddingIsCanonical, "\(format) \(path) columns \(columns)")
                #expect(buffer.guardIntact)
                bytesByPath.append(buffer.bytes)
            }
            #expect(bytesByPath.allSatisfy { $0 == bytesByPath[0] }, "\(format) columns \(columns)")
        }
    }

    @Test func overwritesStaleBytesAndKeepsWithinTheRowStride() {
        // A stride larger than packedRowStride: every byte of each row is rewritten.
        let quantizer = Quantizer(format: .signed2, scale: 1)
        let values: [Float] = [1, -2, 0, 1, 1]
        for path in KernelPath.supported {
            let buffer = PackedBuffer(rows: 2, columns: 5, format: .signed2, rowStride: 128, fill: 0xFF)
            values.withUnsafeBufferPointer {
                quantizeRows($0.baseAddress!, sourceStride: 0, quantizer: quantizer, into: buffer.matrix, path: path)
            }
            #expect(buffer.codes == [1, -2, 0, 1, 1, 1, -2, 0, 1, 1])
            #expect(buffer.paddingIsCanonical)
            #expect(buffer.guardIntact)
        }
    }
}
