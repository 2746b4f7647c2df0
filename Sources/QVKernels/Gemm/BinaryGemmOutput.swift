/// The last step of the 1-bit GEMM: counts → dot products → the shared epilogue → output.
///
/// The four-lane `Epilogue.store` (the function `GemmDestination.store` calls, so every path
/// gives the same bits) decides per call on scale kind, bias, activation and residual. In a
/// loop over a block those checks cost more than the arithmetic, so the loop is instantiated once
/// per combination of options, each with an epilogue whose options the optimiser sees as
/// constants; the arithmetic and its order are untouched.

/// Stores the dot products of one block of counts (`counts[m * BinaryCountBlock.countStride + n]`
/// for output rows `0..<rows`, columns `firstColumn ..< firstColumn + columns`).
func storeBinaryCounts<Combine: PopcountCombine>(
    _ counts: UnsafeMutablePointer<Int32>, panels: BinaryActivationPanels, rows: Int, firstColumn: Int, columns: Int,
    depth: Int32, combine: Combine.Type, into destination: GemmDestination
) {
    let wholeColumns = columns & ~3
    let loop = WholeQuadsLoop<Combine>(counts: counts, ones: panels.ones, rows: rows, firstColumn: firstColumn,
                                       columns: wholeColumns, depth: depth, destination: destination)
    withConstantOptions(destination.epilogue, loop)
    guard wholeColumns < columns else { return }
    for row in 0..<rows {
        let quad = UnsafeRawPointer(counts + row * BinaryCountBlock.countStride + wholeColumns)
            .loadUnaligned(as: SIMD4<Int32>.self)
        let dots = Combine.dotProducts(counts: quad, depth: depth, activationOnes: panels.ones[row])
        destination.store(dots, row: row, column: firstColumn + wholeColumns)
    }
}

/// A loop that stores through a given epilogue (inlined into each specialisation).
private protocol EpilogueLoop {
    func run(_ epilogue: Epilogue)
}

/// The columns of a block that come in whole groups of four (`columns` is a multiple of 4).
private struct WholeQuadsLoop<Combine: PopcountCombine>: EpilogueLoop {
    let counts: UnsafeMutablePointer<Int32>
    let ones: UnsafeMutablePointer<Int32>
    let rows, firstColumn, columns: Int
    let depth: Int32
    let destination: GemmDestination

    @inline(__always)
    func run(_ epilogue: Epilogue) {
        for row in 0..<rows {
            let rowCounts = UnsafeRawPointer(counts + row * BinaryCountBlock.countStride)
            for quad in 0..<(columns / 4) {
                let column = 4 * quad
                let counts = rowCounts.loadUnaligned(fromByteOffset: 4 * column, as: SIMD4<Int32>.self)
                let dots = Combine.dotProducts(counts: counts, depth: depth, activationOnes: ones[row])
                epilogue.store(SIMD4<Float>(dots), row: row, column: firstColumn + column, count: 4,
                               to: destination.output, outputStride: destination.outputStride)
            }
        }
    }
}

/// Runs `loop` with an epilogue equal to `epilogue`, rebuilt inside one branch per combination of
/// options (scale kind × bias × activation × residual) so each inlined copy is specialised.
@inline(__always)
private func withConstantOptions<Loop: EpilogueLoop>(_ epilogue: Epilogue, _ loop: Loop) {
    switch epilogue.scale {
    case .scalar(let factor): withConstantBias(epilogue, scale: .scalar(factor), loop)
    case .perColumn(let factors): withConstantBias(epilogue, scale: .perColumn(factors), loop)
    }
}

@inline(__always)
private func withConstantBias<Loop: EpilogueLoop>(_ epilogue: Epilogue, scale: EpilogueScale, _ loop: Loop) {
    if let bias = epilogue.bias {
        withConstantActivation(epilogue, scale: scale, bias: bias, loop)
    } else {
        withConstantActivation(epilogue, scale: scale, bias: nil, loop)
    }
}

@inline(__always)
private func withConstantActivation<Loop: EpilogueLoop>(
    _ epilogue: Epilogue, scale: EpilogueScale, bias: UnsafePointer<Float>?, _ loop: Loop
) {
    switch epilogue.activation {
    case .none: withConstantResidual(epilogue, scale: scale, bias: bias, activation: .none, loop)
    case .gelu: withConstantResidual(epilogue, scale: scale, bias: bias, activation: .gelu, loop)
    }
}

@inline(__always)
private func withConstantResidual<Loop: EpilogueLoop>(
    _ epilogue: Epilogue, scale: EpilogueScale, bias: UnsafePointer<Float>?, activation: EpilogueActivation,
    _ loop: Loop
) {
    if let residual = epilogue.residual {
        loop.run(Epilogue(scale: scale, bias: bias, activation: activation, residual: residual,
                          residualStride: epilogue.residualStride))
    } else {
        loop.run(Epilogue(scale: scale, bias: bias, activation: activation))
    }
}
