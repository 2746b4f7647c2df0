/// Portable 2-/8-bit integer GEMM: codes are decoded once into Int16 (activations whole, once per
/// product; weights a block of rows at a time per call, sized to stay in L2), then a 2×4 tile of
/// Int16 × Int16 → Int32 multiply-adds runs over K in `SIMD8` chunks. Accumulators are only ever reduced, so on x86
/// LLVM forms `pmaddwd`; on ARM64, widening multiply-accumulates.

/// Rows of activations per tile, and of weights per tile (2×4 keeps the eight accumulators and
/// operands within SSE2's sixteen vector registers).
private let activationTileRows = 2
private let weightTileRows = 4
/// Bytes of decoded weights per block.
private let weightBlockBytes = 128 * 1024

/// The portable GEMM's prepared activations: every row decoded, in panels of two rows.
func multiBitPortablePreparedParts(_ shape: GemmShape) -> ScratchParts {
    let chunks = (shape.depth + 7) / 8, blocks = (shape.rows + activationTileRows - 1) / activationTileRows
    return ScratchParts(blocks * activationTileRows * chunks * 8 * 2)
}

/// The activations of `shape` decoded at `scratch` (`multiBitPortablePreparedParts` bytes).
func multiBitPortableActivations(_ shape: GemmShape, at scratch: UnsafeMutableRawPointer) -> DecodedPanels {
    let blocks = (shape.rows + activationTileRows - 1) / activationTileRows
    return DecodedPanels(panels: blocks, panelRows: activationTileRows, chunks: (shape.depth + 7) / 8, at: scratch)
}

/// Decodes every row of `a` into `panels` (from `multiBitPortableActivations`).
func fillMultiBitPortable(_ panels: DecodedPanels, from a: PackedMatrix) {
    for panel in 0..<(a.rows + activationTileRows - 1) / activationTileRows {
        panels.fill(panel, from: a, firstRow: panel * activationTileRows)
    }
}

/// Weight panels decoded per block for `shape`.
private func weightPanelsPerBlock(_ shape: GemmShape) -> Int {
    let weightPanels = (shape.columns + weightTileRows - 1) / weightTileRows
    let panelBytes = max(1, (shape.depth + 7) / 8 * weightTileRows * 16)
    return min(weightPanels, max(1, weightBlockBytes / panelBytes))
}

/// The scratch of one multiply call: one block of decoded weights.
func multiBitPortableMultiplyParts(_ shape: GemmShape) -> ScratchParts {
    ScratchParts(weightPanelsPerBlock(shape) * weightTileRows * ((shape.depth + 7) / 8) * 8 * 2)
}

/// Multiplies the decoded `activations` of the `rows` rows of A by `w`, decoding weights into
/// `scratch` (`multiBitPortableMultiplyParts` bytes).
func multiBitGemmPortable(_ activations: DecodedPanels, rows: Int, _ w: PackedMatrix, scratch: UnsafeMutableRawPointer,
                          into destination: GemmDestination) {
    let chunks = activations.chunks
    let activationBlocks = (rows + activationTileRows - 1) / activationTileRows
    let weightPanels = (w.rows + weightTileRows - 1) / weightTileRows
    let panelsPerBlock = weightPanelsPerBlock(GemmShape(rows: rows, columns: w.rows, depth: w.columns))
    let weights = DecodedPanels(panels: panelsPerBlock, panelRows: weightTileRows, chunks: chunks, at: scratch)

    for firstPanel in stride(from: 0, to: weightPanels, by: panelsPerBlock) {
        let blockPanels = min(panelsPerBlock, weightPanels - firstPanel)
        for panel in 0..<blockPanels {
            weights.fill(panel, from: w, firstRow: (firstPanel + panel) * weightTileRows)
        }
        for block in 0..<activationBlocks {
            let row = block * activationTileRows
            for panel in 0..<blockPanels {
                let column = (firstPanel + panel) * weightTileRows
                let (first, second) = multiplyTile(activations.panel(block), weights.panel(panel), chunks: chunks)
                destination.store(first, row: row, column: column)
                if row + 1 < rows { destination.store(second, row: row + 1, column: column) }
            }
        }
    }
}

/// Dot products of two activation rows with four weight rows over `chunks` chunks of 8 codes.
/// Kept out of line: inlined into the caller, LLVM loses the `pmaddwd` pattern.
@inline(never)
private func multiplyTile(_ a: UnsafeRawPointer, _ w: UnsafeRawPointer, chunks: Int) -> (SIMD4<Int32>, SIMD4<Int32>) {
    @inline(__always)
    func products(_ x: SIMD8<Int16>, _ y: SIMD8<Int16>) -> SIMD8<Int32> {
        SIMD8<Int32>(truncatingIfNeeded: x) &* SIMD8<Int32>(truncatingIfNeeded: y)
    }
    var c00 = SIMD8<Int32>(), c01 = SIMD8<Int32>(), c02 = SIMD8<Int32>(), c03 = SIMD8<Int32>()
    var c10 = SIMD8<Int32>(), c11 = SIMD8<Int32>(), c12 = SIMD8<Int32>(), c13 = SIMD8<Int32>()
    for chunk in 0..<chunks {
        let a0 = a.loadUnaligned(fromByteOffset: chunk * 32, as: SIMD8<Int16>.self)
        let a1 = a.loadUnaligned(fromByteOffset: chunk * 32 + 16, as: SIMD8<Int16>.self)
        let w0 = w.loadUnaligned(fromByteOffset: chunk * 64, as: SIMD8<Int16>.self)
        let w1 = w.loadUnaligned(fromByteOffset: chunk * 64 + 16, as: SIMD8<Int16>.self)
        let w2 = w.loadUnaligned(fromByteOffset: chunk * 64 + 32, as: SIMD8<Int16>.self)
        let w3 = w.loadUnaligned(fromByteOffset: chunk * 64 + 48, as: SIMD8<Int16>.self)
        c00 &+= products(a0, w0); c01 &+= products(a0, w1); c02 &+= products(a0, w2); c03 &+= products(a0, w3)
        c10 &+= products(a1, w0); c11 &+= products(a1, w1); c12 &+= products(a1, w2); c13 &+= products(a1, w3)
    }
    return (SIMD4(c00.wrappedSum(), c01.wrappedSum(), c02.wrappedSum(), c03.wrappedSum()),
            SIMD4(c10.wrappedSum(), c11.wrappedSum(), c12.wrappedSum(), c13.wrappedSum()))
}

/// Decoded codes of `panelRows` rows at a time: chunk c of a panel holds 8 codes of each of its
/// rows in turn, so a tile reads each panel front to back. Rows past the matrix and codes past K
/// are zero. Lives in caller-provided scratch.
struct DecodedPanels {
    let storage: UnsafeMutablePointer<Int16>
    let panelRows: Int
    let chunks: Int

    /// `panels` panels at `scratch` (`panels · panelRows · chunks · 16` bytes).
    init(panels: Int, panelRows: Int, chunks: Int, at scratch: UnsafeMutableRawPointer) {
        self.panelRows = panelRows
        self.chunks = chunks
        storage = scratch.bindMemory(to: Int16.self, capacity: panels * panelRows * chunks * 8)
    }

    func panel(_ index: Int) -> UnsafeRawPointer { UnsafeRawPointer(storage + index * panelRows * chunks * 8) }

    /// Decodes rows `firstRow ..< firstRow + panelRows` of `matrix` into panel `index`.
    func fill(_ index: Int, from matrix: PackedMatrix, firstRow: Int) {
        let target = storage + index * panelRows * chunks * 8
        let rows = max(0, min(panelRows, matrix.rows - firstRow))
        if rows < panelRows { target.update(repeating: 0, count: panelRows * chunks * 8) }
        let decoder = ChunkDecoder(matrix.format)
        let validInLast = matrix.columns - (chunks - 1) * 8
        let lastMask = SIMD8<Int16>().replacing(with: -1, where: SIMD8(0, 1, 2, 3, 4, 5, 6, 7) .< Int16(validInLast))
        for lane in 0..<rows {
            let start = matrix.rowStart(firstRow + lane)
            for chunk in 0..<chunks {
                var codes = decoder.codes(start, chunk: chunk)
                if chunk == chunks - 1 { codes &= lastMask }
                UnsafeMutableRawPointer(target + (chunk * panelRows + lane) * 8).storeBytes(of: codes, as: SIMD8<Int16>.self)
            }
        }
    }
}

/// Decodes chunk c (codes 8c ..< 8c + 8) of a packed 2- or 8-bit row into Int16 codes.
private struct ChunkDecoder {
    private let bits: Int
    private let signExtends: Bool
    /// Added to 2-bit fields: sub-byte signed codes are stored biased by −codeMin.
    private let fieldBias: Int16

    init(_ format: QuantFormat) {
        bits = format.fieldBits
        signExtends = format.fieldBits == 8 && format.scheme == .signedSymmetric
        fieldBias = format.fieldBits < 8 && format.scheme == .signedSymmetric ? Int16(format.codeMin) : 0
    }

    @inline(__always)
    func codes(_ row: UnsafeRawPointer, chunk: Int) -> SIMD8<Int16> {
        if bits == 8 {
            let bytes = row.loadUnaligned(fromByteOffset: chunk * 8, as: SIMD8<UInt8>.self)
            return signExtends ? SIMD8<Int16>(truncatingIfNeeded: unsafeBitCast(bytes, to: SIMD8<Int8>.self))
                               : SIMD8<Int16>(truncatingIfNeeded: bytes)
        }
        let first = row.load(fromByteOffset: chunk * 2, as: UInt8.self)
        let second = row.load(fromByteOffset: chunk * 2 + 1, as: UInt8.self)
        let bytes = SIMD8<UInt8>(first, first, first, first, second, second, second, second)
        let fields = (bytes &>> SIMD8<UInt8>(0, 2, 4, 6, 0, 2, 4, 6)) & 3
        return SIMD8<Int16>(truncatingIfNeeded: fields) &+ fieldBias
    }
}
