/// The `.avx2` and `.avx512` paths of the 2-/8-bit integer GEMM on x86-64. The C target widens
/// activations once per product (shared by the workers) into unsigned byte rows and the weights, 16·g columns at a time, into
/// `vpdpbusd`-ready panels, then multiplies them with zmm or ymm `vpdpbusd` (or its exact AVX2
/// emulation). Bias corrections (see `qv_multibit.h`) make the Int32 accumulators equal to the
/// reference's; they reach the output through the shared epilogue a tile at a time.
#if arch(x86_64)
import CQVKernelsX86
#endif

#if arch(x86_64)
/// The x86 instruction sets that multiply prepared bytes. Public so that benchmarks measure the
/// ceiling of the kernel the GEMM really runs.
public enum MultiBitX86Kernel: CaseIterable, Sendable {
    /// zmm `vpdpbusd` (AVX-512 F/BW/VL + AVX512-VNNI), panels of 64 columns.
    case avx512Vnni
    /// ymm `vpdpbusd` (AVX2 + AVX-VNNI), panels of 16 columns.
    case avxVnni
    /// `vpmaddubsw` + `vpmaddwd` (AVX2), panels of 16 columns.
    case avx2

    /// The fastest kernel within `path`'s instruction sets that a CPU with `features`
    /// (`QV_X86_*` bits, this CPU's by default) runs; nil for the scalar and portable paths and
    /// for paths the CPU cannot run.
    public init?(path: KernelPath, features: UInt32 = qv_x86_features()) {
        // The candidates of a path, fastest first (no array: this runs on every product).
        switch path {
        case .scalar, .portable, .neon: return nil
        case .avx2 where features & UInt32(QV_X86_AVX2) != 0, .avx512 where features & UInt32(QV_X86_AVX512) != 0:
            if path == .avx512, Self.avx512Vnni.isSupported(by: features) { self = .avx512Vnni }
            else if Self.avxVnni.isSupported(by: features) { self = .avxVnni }
            else if Self.avx2.isSupported(by: features) { self = .avx2 }
            else { return nil }
        case .avx2, .avx512: return nil
        }
    }

    /// Whether this CPU (and OS) can run the kernel.
    public var isSupported: Bool { isSupported(by: qv_x86_features()) }

    /// Whether a CPU with `features` (`QV_X86_*` bits) can run the kernel.
    public func isSupported(by features: UInt32) -> Bool {
        let required: UInt32
        switch self {
        case .avx512Vnni: required = UInt32(QV_X86_AVX512) | UInt32(QV_X86_AVX512_VNNI)
        case .avxVnni: required = UInt32(QV_X86_AVX2) | UInt32(QV_X86_AVX_VNNI)
        case .avx2: required = UInt32(QV_X86_AVX2)
        }
        return features & required == required
    }

    /// Column groups (of 16) per weight panel: four zmm, or one pair of ymm.
    var panelGroups: Int { self == .avx512Vnni ? 4 : 1 }

    /// Packs weight rows into panels for this kernel (same layout either way; the AVX-512
    /// packer takes 64 codes of 16 columns at a time).
    var packWeights: qv_mb_pack_function {
        self == .avx512Vnni ? qv_mb_pack_weights_avx512 : qv_mb_pack_weights
    }

    /// The C kernel for operands of these formats (the AVX2 emulation splits 8-bit × 8-bit bytes
    /// into nibbles to stay exact).
    func multiplier(a: QuantFormat, w: QuantFormat) -> qv_mb_kernel_pointer {
        switch self {
        case .avx512Vnni: return qv_mb_kernel_avx512vnni
        case .avxVnni: return qv_mb_kernel_avxvnni
        case .avx2: return a.fieldBits == 8 && w.fieldBits == 8 ? qv_mb_kernel_avx2_nibbles : qv_mb_kernel_avx2
        }
    }
}

/// Rows of accumulators computed per kernel call before the epilogue drains them (a multiple of
/// every tile height, small enough to keep a 64-column Int32 tile in L1).
private let tileRows = 96

/// Activations widened into unsigned byte rows with their row corrections, in scratch: made once
/// per product (`fill`) and read by every worker's multiply.
struct X86PreparedActivations {
    /// `rows` rows of `stride` bytes.
    let bytes: UnsafeMutablePointer<UInt8>
    let stride: Int
    /// One Int32 per row.
    let rowCorrections: UnsafeMutablePointer<Int32>

    /// The scratch of `shape`'s activations: the byte rows, then the row corrections.
    static func parts(_ shape: GemmShape) -> ScratchParts {
        ScratchParts(shape.rows * qv_mb_prepared_stride(shape.depth), shape.rows * 4)
    }

    /// The prepared activations of `shape` laid out at `scratch` (`parts` bytes).
    init(_ shape: GemmShape, at scratch: UnsafeMutableRawPointer) {
        let parts = Self.parts(shape)
        var carver = ScratchCarver(scratch)
        stride = qv_mb_prepared_stride(shape.depth)
        bytes = carver.take(parts.first).bindMemory(to: UInt8.self, capacity: parts.first)
        rowCorrections = carver.take(parts.second).bindMemory(to: Int32.self, capacity: shape.rows)
    }

    /// Widens `a` for products with weights of `weights`' format.
    func fill(from a: PackedMatrix, weights: QuantFormat) {
        var activations = qv_mb_codes(a)
        qv_mb_prepare_activations(&activations, qv_mb_codes.format(weights), bytes, rowCorrections)
    }
}

extension MultiBitX86Kernel {
    /// The scratch of one multiply call: the weight panel, its column corrections, the tile.
    func multiplyParts(_ shape: GemmShape) -> ScratchParts {
        let panelColumns = panelGroups * 16
        return ScratchParts(qv_mb_panel_steps(shape.depth) * panelColumns * 4, panelColumns * 4,
                            min(tileRows, shape.rows) * panelColumns * 4)
    }
}

/// The multi-bit GEMM with `kernel`, which this CPU must support, of `a` (already `prepared` for
/// `w`'s format) by `w`, in `scratch` (`multiplyParts` bytes); AVX-512 VNNI panels are widened
/// from `regrouped` (the same weights as `w`) when given.
func multiBitGemm(_ prepared: X86PreparedActivations, _ a: PackedMatrix, _ w: PackedMatrix, kernel: MultiBitX86Kernel,
                  regrouped: RegroupedWeights.Slice?, scratch: UnsafeMutableRawPointer, into destination: GemmDestination) {
    var weights = qv_mb_codes(w)
    let depth = a.columns, steps = qv_mb_kernel_steps(depth), activationFormat = qv_mb_codes.format(a.format)
    let panelColumns = kernel.panelGroups * 16
    // The epilogue runs in the widest row kernel the chosen GEMM kernel's ISA implies.
    let rowPath: KernelPath = kernel == .avx512Vnni ? .avx512 : .avx2
    let parts = kernel.multiplyParts(GemmShape(rows: a.rows, columns: w.rows, depth: depth))
    var carver = ScratchCarver(scratch)
    let panel = carver.take(parts.first).bindMemory(to: Int8.self, capacity: parts.first)
    let columnCorrections = carver.take(parts.second).bindMemory(to: Int32.self, capacity: panelColumns)
    let tile = carver.take(parts.third).bindMemory(to: Int32.self, capacity: min(tileRows, a.rows) * panelColumns)
    let multiply = kernel.multiplier(a: a.format, w: w.format), pack = kernel.packWeights
    let regrouped = kernel == .avx512Vnni ? regrouped : nil

    for firstColumn in stride(from: 0, to: w.rows, by: panelColumns) {
        let columns = min(panelColumns, w.rows - firstColumn), groups = (columns + 15) / 16
        if let regrouped {
            qv_mb_pack_regrouped_avx512(regrouped.weights.bytes.assumingMemoryBound(to: UInt8.self), weights.format, depth,
                                        regrouped.firstGroup + firstColumn / 16, columns, groups, activationFormat,
                                        panel, columnCorrections)
        } else {
            pack(&weights, firstColumn, columns, groups, activationFormat, panel, columnCorrections)
        }
        for firstRow in stride(from: 0, to: a.rows, by: tileRows) {
            let rows = min(tileRows, a.rows - firstRow)
            multiply(prepared.bytes + firstRow * prepared.stride, prepared.stride, rows, panel, groups, steps,
                     prepared.rowCorrections + firstRow, columnCorrections, tile, panelColumns)
            destination.drainBlock(tile, accumulatorStride: panelColumns, rows: rows, firstRow: firstRow,
                                   firstColumn: firstColumn, count: columns, path: rowPath)
        }
    }
}

extension qv_mb_codes {
    /// `matrix` (2- or 8-bit codes) as the C kernels describe it.
    init(_ matrix: PackedMatrix) {
        self.init(base: matrix.base.assumingMemoryBound(to: UInt8.self), rows: matrix.rows, columns: matrix.columns,
                  row_stride: matrix.rowStride, format: Self.format(matrix.format))
    }

    /// The C kernels' name (`QV_MB_*`) of a 2- or 8-bit format.
    static func format(_ format: QuantFormat) -> Int32 {
        switch (format.scheme, format.fieldBits) {
        case (.signedSymmetric, 2): return Int32(QV_MB_S2)
        case (.signedSymmetric, _): return Int32(QV_MB_S8)
        case (_, 2): return Int32(QV_MB_U2)
        default: return Int32(QV_MB_U8)
        }
    }
}
#endif
