/// The `.avx2` and `.avx512` paths of the 2-/8-bit integer GEMM on x86-64. The C target widens
/// activations once into unsigned byte rows and the weights, 16·g columns at a time, into
/// `vpdpbusd`-ready panels, then multiplies them with zmm or ymm `vpdpbusd` (or its exact AVX2
/// emulation). Bias corrections (see `qv_multibit.h`) make the Int32 accumulators equal to the
/// reference's; they reach the output through the shared epilogue a tile at a time.
#if arch(x86_64)
import CQVKernelsX86
#endif

/// Multiplies with the best x86 kernel this CPU has for `path`, or with the portable
/// implementation where there is none (other architectures, CPUs without the extension).
func multiBitGemmX86(_ a: PackedMatrix, _ w: PackedMatrix, regrouped: RegroupedWeights.Slice?, path: KernelPath,
                     into destination: GemmDestination) {
    #if arch(x86_64)
    if let kernel = MultiBitX86Kernel(path: path) {
        multiBitGemm(a, w, kernel: kernel, regrouped: kernel == .avx512Vnni ? regrouped : nil, into: destination)
        return
    }
    #endif
    multiBitGemmPortable(a, w, into: destination)
}

#if arch(x86_64)
/// The x86 instruction sets that multiply prepared bytes.
enum MultiBitX86Kernel: CaseIterable {
    /// zmm `vpdpbusd` (AVX-512 F/BW/VL + AVX512-VNNI), panels of 64 columns.
    case avx512Vnni
    /// ymm `vpdpbusd` (AVX2 + AVX-VNNI), panels of 16 columns.
    case avxVnni
    /// `vpmaddubsw` + `vpmaddwd` (AVX2), panels of 16 columns.
    case avx2

    /// The fastest kernel within `path`'s instruction sets that a CPU with `features`
    /// (`QV_X86_*` bits, this CPU's by default) runs; nil for the scalar and portable paths and
    /// for paths the CPU cannot run.
    init?(path: KernelPath, features: UInt32 = qv_x86_features()) {
        let candidates: [MultiBitX86Kernel]
        switch path {
        case .scalar, .portable, .neon: return nil
        case .avx2: candidates = features & UInt32(QV_X86_AVX2) != 0 ? [.avxVnni, .avx2] : []
        case .avx512: candidates = features & UInt32(QV_X86_AVX512) != 0 ? [.avx512Vnni, .avxVnni, .avx2] : []
        }
        guard let kernel = candidates.first(where: { $0.isSupported(by: features) }) else { return nil }
        self = kernel
    }

    /// Whether this CPU (and OS) can run the kernel.
    var isSupported: Bool { isSupported(by: qv_x86_features()) }

    /// Whether a CPU with `features` (`QV_X86_*` bits) can run the kernel.
    func isSupported(by features: UInt32) -> Bool {
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
        case .avx2: return a.bits == 8 && w.bits == 8 ? qv_mb_kernel_avx2_nibbles : qv_mb_kernel_avx2
        }
    }
}

/// Rows of accumulators computed per kernel call before the epilogue drains them (a multiple of
/// every tile height, small enough to keep a 64-column Int32 tile in L1).
private let tileRows = 96

/// The multi-bit GEMM with `kernel`, which this CPU must support; AVX-512 VNNI panels are widened
/// from `regrouped` (the same weights as `w`) when given.
func multiBitGemm(_ a: PackedMatrix, _ w: PackedMatrix, kernel: MultiBitX86Kernel, regrouped: RegroupedWeights.Slice? = nil,
                  into destination: GemmDestination) {
    var activations = qv_mb_codes(a), weights = qv_mb_codes(w)
    let depth = a.columns
    let preparedStride = qv_mb_prepared_stride(depth), steps = qv_mb_kernel_steps(depth)
    let prepared = UnsafeMutableRawPointer.allocate(byteCount: max(1, a.rows * preparedStride), alignment: 64)
    let rowCorrections = UnsafeMutablePointer<Int32>.allocate(capacity: a.rows)
    defer { prepared.deallocate(); rowCorrections.deallocate() }
    qv_mb_prepare_activations(&activations, weights.format,
                              prepared.assumingMemoryBound(to: UInt8.self), rowCorrections)

    let panelColumns = kernel.panelGroups * 16
    // The epilogue runs in the widest row kernel the chosen GEMM kernel's ISA implies.
    let rowPath: KernelPath = kernel == .avx512Vnni ? .avx512 : .avx2
    let panel = UnsafeMutableRawPointer.allocate(
        byteCount: max(1, qv_mb_panel_steps(depth) * panelColumns * 4), alignment: 64)
    let columnCorrections = UnsafeMutablePointer<Int32>.allocate(capacity: panelColumns)
    let tile = UnsafeMutablePointer<Int32>.allocate(capacity: min(tileRows, a.rows) * panelColumns)
    defer { panel.deallocate(); columnCorrections.deallocate(); tile.deallocate() }
    let multiply = kernel.multiplier(a: a.format, w: w.format), pack = kernel.packWeights

    for firstColumn in stride(from: 0, to: w.rows, by: panelColumns) {
        let columns = min(panelColumns, w.rows - firstColumn), groups = (columns + 15) / 16
        if let regrouped {
            qv_mb_pack_regrouped_avx512(regrouped.weights.bytes.assumingMemoryBound(to: UInt8.self), weights.format, depth,
                                        regrouped.firstGroup + firstColumn / 16, columns, groups, activations.format,
                                        panel.assumingMemoryBound(to: Int8.self), columnCorrections)
        } else {
            pack(&weights, firstColumn, columns, groups, activations.format, panel.assumingMemoryBound(to: Int8.self),
                 columnCorrections)
        }
        for firstRow in stride(from: 0, to: a.rows, by: tileRows) {
            let rows = min(tileRows, a.rows - firstRow)
            multiply(prepared.assumingMemoryBound(to: UInt8.self) + firstRow * preparedStride, preparedStride, rows,
                     panel.assumingMemoryBound(to: Int8.self), groups, steps,
                     rowCorrections + firstRow, columnCorrections, tile, panelColumns)
            destination.drainBlock(tile, accumulatorStride: panelColumns, rows: rows, firstRow: firstRow,
                                   firstColumn: firstColumn, count: columns, path: rowPath)
        }
    }
}

extension qv_mb_codes {
    /// `matrix` (2- or 8-bit codes) as the C kernels describe it.
    init(_ matrix: PackedMatrix) {
        let format: Int32
        switch (matrix.format.scheme, matrix.format.bits) {
        case (.signedSymmetric, 2): format = Int32(QV_MB_S2)
        case (.signedSymmetric, _): format = Int32(QV_MB_S8)
        case (_, 2): format = Int32(QV_MB_U2)
        default: format = Int32(QV_MB_U8)
        }
        self.init(base: matrix.base.assumingMemoryBound(to: UInt8.self), rows: matrix.rows, columns: matrix.columns,
                  row_stride: matrix.rowStride, format: format)
    }
}
#endif
