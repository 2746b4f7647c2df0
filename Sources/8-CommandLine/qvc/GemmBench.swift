import COpenBLAS
import QVCommandLine
import QVKernels
import QVRuntime

/// The GEMM kernels `qvc bench --kernels` measures, named by their (activation × weight) formats.
enum BenchKernel: String, CaseIterable {
    /// Binary ±1 × ±1 (XOR-popcount).
    case binary = "b1xb1"
    /// Unsigned 2-bit activations × signed 2-bit weights.
    case twoBit = "u2xs2"
    /// Unsigned 8-bit activations × signed 8-bit weights.
    case eightBit = "u8xs8"
    /// FP32 `floatPanelGemm` on weights packed as `qvc compile` stores them.
    case fp32

    /// Activation and weight code formats; nil for FP32.
    var formats: (a: QuantFormat, w: QuantFormat)? {
        switch self {
        case .binary: return (.binary, .binary)
        case .twoBit: return (.unsigned2, .signed2)
        case .eightBit: return (.unsigned8, .signed8)
        case .fp32: return nil
        }
    }
}

/// One GEMM shape's operands, `out = epilogue(A·Wᵀ)` with A M×K and W N×K like a linear layer
/// (per-column scale and bias), filled with pseudo-random data; runs each kernel and OpenBLAS
/// `cblas_sgemm` on them.
final class GemmBench {
    let m: Int, n: Int, k: Int
    private let floatA: UnsafeMutablePointer<Float>
    private let floatW: UnsafeMutablePointer<Float>
    /// `floatW` packed in 16-column panels, 64-byte aligned.
    private let floatPanels: UnsafeMutablePointer<Float>
    private let scale: UnsafeMutablePointer<Float>
    private let bias: UnsafeMutablePointer<Float>
    private let output: UnsafeMutablePointer<Float>
    /// Packed codes of A and W for each integer kernel, 64-byte aligned.
    private var packed: [BenchKernel: (a: PackedMatrix, w: PackedMatrix)] = [:]
    /// Each kernel's weights regrouped for a path, made on its first run there as a model's load
    /// makes them (nil where that path reads them as they are).
    private var regrouped: [BenchKernel: [KernelPath: RegroupedWeights?]] = [:]
    private var allocations: [UnsafeMutableRawPointer] = []

    init(m: Int, n: Int, k: Int) {
        self.m = m; self.n = n; self.k = k
        var random = SeededGenerator(seed: UInt64(m * 1_000_003 + n * 1009 + k))
        func floats(_ count: Int, _ value: (inout SeededGenerator) -> Float) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            for i in 0..<count { p[i] = value(&random) }
            return p
        }
        floatA = floats(m * k) { $0.unitFloat() - 0.5 }
        floatW = floats(n * k) { ($0.unitFloat() - 0.5) * 0.1 }
        scale = floats(n) { 0.01 + 0.01 * $0.unitFloat() }
        bias = floats(n) { $0.unitFloat() - 0.5 }
        output = floats(m * n) { _ in 0 }
        let panelBytes = floatPanelCount(rows: n, columns: k) * 4
        floatPanels = UnsafeMutableRawPointer.allocate(byteCount: max(64, panelBytes), alignment: 64).bindMemory(to: Float.self, capacity: panelBytes / 4)
        packFloatPanels(floatW, sourceStride: k, rows: n, columns: k, into: floatPanels)
        for kernel in BenchKernel.allCases {
            guard let formats = kernel.formats else { continue }
            packed[kernel] = (codes(rows: m, format: formats.a, &random), codes(rows: n, format: formats.w, &random))
        }
    }

    deinit {
        for p in [floatA, floatW, floatPanels, scale, bias, output] { p.deallocate() }
        for p in allocations { p.deallocate() }
    }

    /// Multiply-adds of one GEMM.
    var macs: Int { m * n * k }

    /// Runs `kernel` once on `path`, split by output columns across `parallel` exactly as a
    /// linear layer is, and folds one output into the benchmark sink.
    func run(_ kernel: BenchKernel, path: KernelPath, parallel: ParallelFor) throws(KernelError) {
        if let (_, w) = packed[kernel], regrouped[kernel]?[path] == nil {
            regrouped[kernel, default: [:]][path] = .some(RegroupedWeights(w, path: path))
        }
        let regroupedW = regrouped[kernel]?[path] ?? nil
        let tasks = parallel.columnTasks(columns: n, work: macs)
        try parallel.forEach(tasks) { task throws(KernelError) in
            let columns = ParallelFor.columnRange(task: task, of: tasks, columns: n)
            guard !columns.isEmpty else { return }
            let n0 = columns.lowerBound
            if let (a, w) = packed[kernel] {
                let slice = PackedMatrix(base: w.base + n0 * w.rowStride, rows: columns.count, columns: k,
                                         rowStride: w.rowStride, format: w.format)
                try integerGemm(a, slice, regrouped: regroupedW?.fromRow(n0), epilogue: Epilogue(scale: .perColumn(scale + n0), bias: bias + n0),
                                output: output + n0, outputStride: n, path: path)
            } else {
                floatPanelGemm(a: floatA, lda: k, b: FloatPanels(packed: floatPanels, depth: k).dropping(panels: n0 / 16),
                               m: m, n: columns.count, k: k, epilogue: Epilogue(bias: bias + n0),
                               output: output + n0, outputStride: n, path: path)
            }
        }
        consume(UInt64(output[(m - 1) * n + n - 1].bitPattern))
    }

    /// Runs OpenBLAS `cblas_sgemm` (row-major A times Wᵀ, the same product as `fp32` without
    /// the bias) on its own threads.
    func runSgemm() {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                    1, floatA, Int32(k), floatW, Int32(k), 0, output, Int32(n))
        consume(UInt64(output[(m - 1) * n + n - 1].bitPattern))
    }

    /// `rows` rows of K pseudo-random codes in `format` (every field value is a valid code).
    private func codes(rows: Int, format: QuantFormat, _ random: inout SeededGenerator) -> PackedMatrix {
        let stride = packedRowStride(columns: k, format: format)
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(64, rows * stride), alignment: 64)
        allocations.append(base)
        let matrix = MutablePackedMatrix(base: base, rows: rows, columns: k, rowStride: stride, format: format)
        for row in 0..<rows {
            for column in 0..<k {
                let field = UInt8(truncatingIfNeeded: random.next()) & UInt8(truncatingIfNeeded: (1 << format.bits) - 1)
                matrix.setCode(format.code(ofField: field), row: row, column: column)
            }
        }
        matrix.writePadding()
        return matrix.readOnly
    }
}
