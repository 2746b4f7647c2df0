import QVKernels

/// Whether QVKernels' integer GEMM multiplies `activations` codes by `weights` codes:
/// binary × binary, unsigned 1-bit × binary, and any 2-bit/8-bit pair.
func integerGemmSupports(activations: QuantFormat, weights: QuantFormat) -> Bool {
    let multiBit: Set<QuantFormat> = [.signed2, .unsigned2, .signed8, .unsigned8]
    switch (activations, weights) {
    case (.binary, .binary), (.unsigned1, .binary): return true
    default: return multiBit.contains(activations) && multiBit.contains(weights)
    }
}
