import QVFormat
import QVKernels

/// Accumulates a `.qvb` graph: constant tensors laid out 64-byte aligned in named sections,
/// activation values, and ops in execution order.
final class GraphBuilder {
    private(set) var tensors: [QVB.Tensor] = []
    private(set) var values: [QVB.Value] = []
    private(set) var ops: [QVB.Op] = []
    private(set) var sections: [QVB.SectionPayload] = []

    /// Starts a new section; tensors added next go into it.
    func beginSection(_ name: String) {
        sections.append(QVB.SectionPayload(name: name, bytes: []))
    }

    /// Adds a constant tensor with raw `bytes` to the current section and returns its index.
    @discardableResult
    func tensor(_ name: String, type: QVB.ElementType, shape: [Int], quant: QVB.Quantization? = nil,
                rowStride: Int = 0, layout: QVB.TensorLayout = .dense, bytes: [UInt8]) -> Int {
        if sections.isEmpty { beginSection("weights") }
        let s = sections.count - 1
        let offset = sections[s].bytes.count
        sections[s].bytes += bytes
        let padded = align64(sections[s].bytes.count)
        sections[s].bytes += [UInt8](repeating: 0, count: padded - sections[s].bytes.count)
        tensors.append(QVB.Tensor(name: name, type: type, shape: shape, quant: quant, rowStride: rowStride,
                                  section: s, offset: offset, size: bytes.count, layout: layout))
        return tensors.count - 1
    }

    /// Adds an FP32 tensor.
    @discardableResult
    func floats(_ name: String, _ data: [Float], shape: [Int]) -> Int {
        tensor(name, type: .f32, shape: shape, bytes: littleEndianBytes(data.map(\.bitPattern)))
    }

    /// Adds an Int32 tensor.
    @discardableResult
    func int32s(_ name: String, _ data: [Int32], shape: [Int]) -> Int {
        tensor(name, type: .i32, shape: shape, bytes: littleEndianBytes(data.map { UInt32(bitPattern: $0) }))
    }

    /// Adds an FP32 `rows`×`columns` matrix (linear weights, out × in) stored in the 16-column
    /// panels the FP32 GEMM multiplies by (`QVB.TensorLayout.panels16`).
    @discardableResult
    func floatPanels(_ name: String, _ data: [Float], rows: Int, columns: Int) -> Int {
        var panels = [Float](repeating: 0, count: floatPanelCount(rows: rows, columns: columns))
        data.withUnsafeBufferPointer { source in
            panels.withUnsafeMutableBufferPointer { destination in
                guard let from = source.baseAddress, let to = destination.baseAddress else { return }
                packFloatPanels(from, sourceStride: columns, rows: rows, columns: columns, into: to)
            }
        }
        return tensor(name, type: .f32, shape: [rows, columns], layout: .panels16,
                      bytes: littleEndianBytes(panels.map(\.bitPattern)))
    }

    private func littleEndianBytes(_ words: [UInt32]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: words.count * 4)
        for (i, w) in words.enumerated() {
            for j in 0..<4 { bytes[4 * i + j] = UInt8(truncatingIfNeeded: w >> UInt32(8 * j)) }
        }
        return bytes
    }

    /// Adds an activation value and returns its index.
    func value(_ name: String, type: QVB.ElementType = .f32, shape: [Int], quant: QVB.Quantization? = nil,
               layout: QVB.Layout = .rowMajor, heads: Int = 1) -> Int {
        values.append(QVB.Value(name: name, type: type, shape: shape, quant: quant, layout: layout, heads: heads))
        return values.count - 1
    }

    /// Appends an op.
    func op(_ name: String, _ attributes: QVB.OpAttributes, inputs: [Int], outputs: [Int], weights: [Int] = []) {
        ops.append(QVB.Op(name: name, attributes: attributes, inputs: inputs, outputs: outputs, weights: weights))
    }
}
