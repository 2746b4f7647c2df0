// layerNorm against a Double two-pass reference on every path, in place and out of place, and the
// same bits on every path.
import Testing
import QVKernels

@Suite struct LayerNormTests {
    @Test(arguments: KernelPath.supported)
    func matchesDoubleReference(path: KernelPath) {
        var generator = SeededGenerator(seed: 51)
        for columns in [1, 2, 7, 8, 9, 15, 16, 17, 33, 384, 385] {
            let rows = 3, stride = columns + 2, outputStride = columns + 1
            // A large common offset makes a one-pass variance lose precision; two passes must not.
            let x = randomFloats(rows * stride, in: 99...101, using: &generator)
            let gamma = randomFloats(columns, in: 0.5...1.5, using: &generator)
            let beta = randomFloats(columns, in: -1...1, using: &generator)
            var output = [Float](repeating: .nan, count: rows * outputStride)
            x.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer { output in
                    layerNorm(x.baseAddress!, rows: rows, columns: columns, stride: stride, gamma: gamma, beta: beta,
                              epsilon: 1e-12, output: output.baseAddress!, outputStride: outputStride, path: path)
                }
            }
            for row in 0..<rows {
                let values = (0..<columns).map { Double(x[row * stride + $0]) }
                let mean = values.reduce(0, +) / Double(columns)
                let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(columns)
                for column in 0..<columns {
                    let normalized = (values[column] - mean) / (variance + 1e-12).squareRoot()
                    let expected = columns == 1 ? Double(beta[column]) : normalized * Double(gamma[column]) + Double(beta[column])
                    #expect(abs(Double(output[row * outputStride + column]) - expected) <= 5e-5,
                            "\(path) columns \(columns) row \(row) column \(column)")
                }
                #expect(output[row * outputStride + columns].isNaN)
            }
        }
    }

    @Test func everyPathGivesTheSameBits() {
        var generator = SeededGenerator(seed: 53)
        for columns in [1, 7, 16, 33, 384, 1000] {
            let rows = 3
            let x = randomFloats(rows * columns, in: -8...8, using: &generator)
            let gamma = randomFloats(columns, in: 0.5...1.5, using: &generator)
            let beta = randomFloats(columns, in: -1...1, using: &generator)
            let outputs = KernelPath.supported.map { path in
                var output = [Float](repeating: 0, count: rows * columns)
                x.withUnsafeBufferPointer { x in
                    output.withUnsafeMutableBufferPointer {
                        layerNorm(x.baseAddress!, rows: rows, columns: columns, stride: columns, gamma: gamma, beta: beta,
                                  epsilon: 1e-5, output: $0.baseAddress!, outputStride: columns, path: path)
                    }
                }
                return output.map(\.bitPattern)
            }
            #expect(outputs.allSatisfy { $0 == outputs[0] }, "columns \(columns)")
        }
    }

    @Test func inPlaceEqualsOutOfPlace() {
        var generator = SeededGenerator(seed: 52)
        let rows = 4, columns = 37
        let x = randomFloats(rows * columns, in: -3...3, using: &generator)
        let gamma = randomFloats(columns, in: 0.5...1.5, using: &generator)
        let beta = randomFloats(columns, in: -1...1, using: &generator)
        var separate = [Float](repeating: 0, count: rows * columns)
        x.withUnsafeBufferPointer { x in
            separate.withUnsafeMutableBufferPointer {
                layerNorm(x.baseAddress!, rows: rows, columns: columns, stride: columns, gamma: gamma, beta: beta,
                          epsilon: 1e-5, output: $0.baseAddress!, outputStride: columns)
            }
        }
        var inPlace = x
        inPlace.withUnsafeMutableBufferPointer {
            layerNorm($0.baseAddress!, rows: rows, columns: columns, stride: columns, gamma: gamma, beta: beta,
                      epsilon: 1e-5, output: $0.baseAddress!, outputStride: columns)
        }
        #expect(inPlace.map(\.bitPattern) == separate.map(\.bitPattern))
    }
}
