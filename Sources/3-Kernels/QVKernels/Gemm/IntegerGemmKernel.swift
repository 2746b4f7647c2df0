/// Which implementation multiplies an operand pair on a path (resolved against this CPU), with
/// the scratch each of its two phases needs and its activation preparation.
enum IntegerGemmKernel {
    /// The reference triple loop.
    case scalar
    /// Popcounts of 1-bit codes with the given counting kernel.
    case binary(BinaryCountKernel)
    /// Int16 multiply-adds on decoded 2-/8-bit codes.
    case portableMultiBit
    #if arch(x86_64)
    /// `vpdpbusd` (or its AVX2 emulation) on prepared bytes.
    case x86(MultiBitX86Kernel)
    /// `vpshufb` table lookups of 2-bit × 2-bit codes (`LookupGemm`).
    case x86Lookup
    #endif
    #if arch(arm64)
    /// NEON `sdot`/`udot` tiles on widened bytes (`NeonDotGemm`).
    case neon
    /// `tbl` table lookups of 2-bit × 2-bit codes (`NeonLookupGemm`).
    case neonLookup
    #endif

    /// The kernel of `path` for `operands` of formats `a` × `w`: the best this CPU runs within
    /// the path's ISA, the portable one where the CPU lacks it.
    init(path: KernelPath, operands: IntegerProduct, _ a: QuantFormat, _ w: QuantFormat) {
        switch (path, operands) {
        case (.scalar, _): self = .scalar
        case (_, .binaryXor), (_, .unsignedBitAnd): self = .binary(BinaryCountKernel(path: path))
        case (.portable, .multiBit): self = .portableMultiBit
        case (.avx2, .multiBit), (.avx512, .multiBit):
            #if arch(x86_64)
            if LookupGemm.isUsed(a, w, path: path) { self = .x86Lookup; return }
            if let kernel = MultiBitX86Kernel(path: path) { self = .x86(kernel); return }
            #endif
            self = .portableMultiBit
        case (.neon, .multiBit):
            #if arch(arm64)
            if NeonLookupGemm.isUsed(a, w) { self = .neonLookup; return }
            if NeonDotGemm.isUsed { self = .neon; return }
            #endif
            self = .portableMultiBit
        }
    }

    /// The scratch of the prepared activations of `shape`.
    func preparedParts(_ shape: GemmShape) -> ScratchParts {
        switch self {
        case .scalar: return ScratchParts()
        case .binary: return BinaryActivationPanels.parts(rows: shape.rows, columns: shape.depth)
        case .portableMultiBit: return multiBitPortablePreparedParts(shape)
        #if arch(x86_64)
        case .x86: return X86PreparedActivations.parts(shape)
        case .x86Lookup: return ScratchParts()
        #endif
        #if arch(arm64)
        case .neon: return neonPreparedParts(shape)
        case .neonLookup: return ScratchParts()
        #endif
        }
    }

    /// The scratch of one multiply call of `shape`; paths that finish four accumulators at a time
    /// also keep all M×N of them when the product ends in codes.
    func multiplyParts(_ shape: GemmShape, endsInCodes: Bool) -> ScratchParts {
        switch self {
        case .scalar: return scalarMultiplyParts(shape)
        case .binary: return binaryGemmMultiplyParts(shape)
        case .portableMultiBit:
            let weights = multiBitPortableMultiplyParts(shape).total
            return ScratchParts(weights, endsInCodes ? shape.rows * shape.columns * 4 : 0)
        #if arch(x86_64)
        case .x86(let kernel): return kernel.multiplyParts(shape)
        case .x86Lookup: return LookupGemm.multiplyParts(shape)
        #endif
        #if arch(arm64)
        case .neon: return neonMultiplyParts(shape)
        case .neonLookup: return NeonLookupGemm.multiplyParts(shape)
        #endif
        }
    }

    /// Prepares `a` for products with `weights`-format codes into `scratch` (`preparedParts` bytes).
    func prepare(_ a: PackedMatrix, weights: QuantFormat, into scratch: UnsafeMutableRawPointer) {
        let shape = GemmShape(rows: a.rows, columns: 0, depth: a.columns)
        switch self {
        case .scalar: return
        case .binary: BinaryActivationPanels(rows: a.rows, columns: a.columns, at: scratch).fill(from: a)
        case .portableMultiBit: fillMultiBitPortable(multiBitPortableActivations(shape, at: scratch), from: a)
        #if arch(x86_64)
        case .x86: X86PreparedActivations(shape, at: scratch).fill(from: a, weights: weights)
        case .x86Lookup: return
        #endif
        #if arch(arm64)
        case .neon:
            neonActivations(shape, at: scratch).fill(from: a, firstRow: 0, rows: a.rows,
                                                     unsignedDot: NeonDotGemm.unsignedDot(a.format, weights))
        case .neonLookup: return
        #endif
        }
    }

    /// Multiplies `a` (prepared in `prepared`) by `w` into `destination`, with `scratch`
    /// (`multiplyParts` bytes; the leading part when the caller keeps accumulators after it).
    func multiply(_ a: PackedMatrix, prepared: UnsafeMutableRawPointer, _ w: PackedMatrix, operands: IntegerProduct,
                  regrouped: RegroupedWeights.Slice?, path: KernelPath, scratch: UnsafeMutableRawPointer,
                  into destination: GemmDestination) {
        let shape = GemmShape(rows: a.rows, columns: w.rows, depth: a.columns)
        switch self {
        case .scalar: integerGemmScalar(a, w, scratch: scratch, into: destination)
        case .binary(let count):
            let panels = BinaryActivationPanels(rows: a.rows, columns: a.columns, at: prepared)
            if case .binaryXor = operands {
                binaryGemm(panels, rows: a.rows, w, combine: XorPopcount.self, kernel: count, path: path,
                           scratch: scratch, into: destination)
            } else {
                binaryGemm(panels, rows: a.rows, w, combine: AndPopcount.self, kernel: count, path: path,
                           scratch: scratch, into: destination)
            }
        case .portableMultiBit:
            multiBitGemmPortable(multiBitPortableActivations(shape, at: prepared), rows: a.rows, w, scratch: scratch,
                                 into: destination)
        #if arch(x86_64)
        case .x86(let kernel):
            multiBitGemm(X86PreparedActivations(shape, at: prepared), a, w, kernel: kernel, regrouped: regrouped,
                         scratch: scratch, into: destination)
        case .x86Lookup: LookupGemm.multiply(a, w, regrouped: regrouped, scratch: scratch, into: destination)
        #endif
        #if arch(arm64)
        case .neon:
            multiBitGemmNEON(neonActivations(shape, at: prepared), a, w, scratch: scratch, into: destination)
        case .neonLookup: NeonLookupGemm.multiply(a, w, scratch: scratch, into: destination)
        #endif
        }
    }
}
