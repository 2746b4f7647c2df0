import QVKernelsMath

/// The GEMM epilogue of one element: `act(acc · scale + bias) + residual`, in that order — the
/// same IEEE operations `Lanes16.finish` runs on 16 columns, so the runtime's reference and the
/// trainer's deployed forward get the fast paths' bits from an accumulator.
public func scalarEpilogue(_ acc: Float, scale: Float, bias: Float? = nil, activation: EpilogueActivation = .none,
                           residual: Float? = nil) -> Float {
    var y = acc * scale
    if let bias { y = y + bias }
    switch activation {
    case .none: break
    case .gelu: y = gelu(y)
    case .tanh: y = hyperbolicTangent(y)
    }
    if let residual { y = y + residual }
    return y
}
