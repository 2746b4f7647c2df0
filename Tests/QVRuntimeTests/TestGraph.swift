import Dispatch
import QVFormat
import QVKernels
@testable import QVRuntime

/// A small graph written in a test — values, seeded random constants in one section, ops and
/// ports — encoded with `QVBWriter` and loaded like a file, so one op can be run on every kernel
/// path against the reference interpreter without a model wheel or a tokenizer.
final class TestGraph {
    private(set) var values: [QVB.Value] = []
    private(set) var tensors: [QVB.Tensor] = []
    private(set) var ops: [QVB.Op] = []
    private(set) var inputs: [QVB.Port] = [], outputs: [QVB.Port] = []
    private var section: [UInt8] = []
    var random: SeededGenerator

    /// Longest sequence the graph accepts.
    let maxTokens: Int

    init(seed: UInt64, maxTokens: Int = 16) {
        random = SeededGenerator(seed: seed)
        self.maxTokens = maxTokens
    }

    /// Adds an activation value.
    func value(_ name: String, type: QVB.ElementType = .f32, shape: [Int], quantizer: Quantizer? = nil,
               layout: QVB.Layout = .rowMajor, heads: Int = 1) -> Int {
        values.append(QVB.Value(name: name, type: type, shape: shape, quant: quantizer.map(QVB.Quantization.init),
                                layout: layout, heads: heads))
        return values.count - 1
    }

    /// A codes value of `quantizer`'s format.
    func codes(_ name: String, features: Int, quantizer: Quantizer, layout: QVB.Layout = .rowMajor, heads: Int = 1) -> Int {
        value(name, type: quantizer.format.elementType, shape: [-1, features], quantizer: quantizer, layout: layout, heads: heads)
    }

    /// A model input: FP32 of `shape`, or Int32 `[-1]` for the token roles.
    func input(_ name: String, shape: [Int] = [-1], role: QVB.IORole = .tensor) -> Int {
        let tokenRole = [.tokenIds, .tokenTypes, .attentionMask].contains(role)
        let v = value(name, type: tokenRole ? .i32 : .f32, shape: tokenRole ? [-1] : shape)
        inputs.append(QVB.Port(name: name, value: v, role: role))
        return v
    }

    /// Declares `port` a model input as it stands (for tests of ports that don't fit).
    func declareInput(_ port: QVB.Port) { inputs.append(port) }

    /// Declares value `v` a model output.
    func output(_ v: Int, role: QVB.IORole = .tensor) {
        outputs.append(QVB.Port(name: values[v].name, value: v, role: role))
    }

    /// Appends an op.
    func op(_ name: String, _ attributes: QVB.OpAttributes, inputs: [Int], outputs: [Int], weights: [Int] = []) {
        ops.append(QVB.Op(name: name, attributes: attributes, inputs: inputs, outputs: outputs, weights: weights))
    }

    /// Adds a constant with raw `bytes`, 64-byte aligned in the one section.
    func constant(_ name: String, type: QVB.ElementType, shape: [Int], quant: QVB.Quantization? = nil,
                  rowStride: Int = 0, layout: QVB.TensorLayout = .dense, bytes: [UInt8]) -> Int {
        let offset = section.count
        section += bytes
        section += [UInt8](repeating: 0, count: (64 - section.count % 64) % 64)
        tensors.append(QVB.Tensor(name: name, type: type, shape: shape, quant: quant, rowStride: rowStride,
                                  section: 0, offset: offset, size: bytes.count, layout: layout))
        return tensors.count - 1
    }

    /// Seeded floats in `range`.
    func randomFloats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * random.unitFloat() }
    }

    /// A dense FP32 constant of random values in `range` (or of `data`).
    func floats(_ name: String, shape: [Int], in range: ClosedRange<Float> = -1...1, data: [Float]? = nil) -> Int {
        let x = data ?? randomFloats(shape.reduce(1, *), in: range)
        return constant(name, type: .f32, shape: shape, bytes: Self.bytes(of: x))
    }

    /// A random FP32 linear weight `[rows, columns]` in 16-column panels.
    func panels(_ name: String, rows: Int, columns: Int) -> Int {
        let w = randomFloats(rows * columns, in: -0.5...0.5)
        var packed = [Float](repeating: 0, count: floatPanelCount(rows: rows, columns: columns))
        w.withUnsafeBufferPointer { source in
            packed.withUnsafeMutableBufferPointer { packFloatPanels(source.baseAddress!, sourceStride: columns, rows: rows, columns: columns, into: $0.baseAddress!) }
        }
        return constant(name, type: .f32, shape: [rows, columns], layout: .panels16, bytes: Self.bytes(of: packed))
    }

    /// A `[rows, columns]` matrix of random codes of `format`, one scale per row (axis 0).
    func packedCodes(_ name: String, rows: Int, columns: Int, format: QuantFormat, scales: [Float]) -> Int {
        let stride = packedRowStride(columns: columns, format: format)
        var bytes = [UInt8](repeating: 0, count: rows * stride)
        let span = Int(format.codeMax - format.codeMin) + 1
        bytes.withUnsafeMutableBytes { raw in
            let m = MutablePackedMatrix(base: raw.baseAddress!, rows: rows, columns: columns, rowStride: stride, format: format)
            for r in 0..<rows {
                for c in 0..<columns {
                    var code = format.codeMin + Int32(random.next() % UInt64(span))
                    if format.scheme == .binarySign && code == 0 { code = 1 }
                    m.setCode(code, row: r, column: c)
                }
            }
            m.writePadding()
        }
        return constant(name, type: format.elementType, shape: [rows, columns], quant: QVB.Quantization(format, axis: 0, scales: scales),
                        rowStride: stride, bytes: bytes)
    }

    /// The graph as a `.qvb` image, loaded.
    func load() throws -> LoadedTestModel {
        let model = QVB.Model(producer: QVB.Producer(name: "test"), family: .generic, bert: nil, precision: "test",
                              tokenizer: nil, tensors: tensors, values: values, ops: ops,
                              inputs: inputs, outputs: outputs, maxTokens: maxTokens)
        return try LoadedTestModel(try QVBWriter.encode(model, sections: [QVB.SectionPayload(name: "weights", bytes: section)],
                                                         compression: .none))
    }

    /// Probability codes of `format` for integer attention: the unit grid k / (2^b − 1), or a
    /// 0.2 threshold for 1-bit codes.
    static func probabilities(_ format: QuantFormat) -> QVB.Quantization {
        QVB.Quantization(Quantizer(format: format, scale: format.bits == 1 ? 0.2 : 1 / Float(format.codeMax)))
    }

    /// Little-endian bytes of `x`.
    static func bytes(of x: [Float]) -> [UInt8] { x.flatMap { f in (0..<4).map { UInt8(truncatingIfNeeded: f.bitPattern >> (8 * $0)) } } }
}

/// A test model's file image (64-byte aligned, owned here) and the model bound to it.
final class LoadedTestModel {
    private let buffer: UnsafeMutableRawBufferPointer
    /// The bound model.
    let model: QVModel

    init(_ image: [UInt8]) throws {
        buffer = .allocate(byteCount: image.count, alignment: 64)
        buffer.copyBytes(from: image)
        do { model = try QVModel(file: try QVBFile(bytes: UnsafeRawBufferPointer(buffer))) } catch {
            buffer.deallocate()
            throw error
        }
    }

    deinit { buffer.deallocate() }
}

/// A parallel-for over `workers` concurrent tasks (Dispatch), to check results do not depend on
/// the split.
func concurrentParallelFor(workers: Int) -> ParallelFor {
    ParallelFor(workers: workers) { tasks, body in
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let task = body
            DispatchQueue.concurrentPerform(iterations: tasks) { task($0) }
        }
    }
}
