import QVKernels

/// Whether QVKernels' integer GEMM multiplies `activations` codes by `weights` codes (QVQuant's
/// pairing rule, `IntegerProduct`).
func integerGemmSupports(activations: QuantFormat, weights: QuantFormat) -> Bool {
    IntegerProduct(activations: activations, weights: weights) != nil
}
