import QVFormat
import QVKernels

/// A constant tensor of the model file, resolved to typed pointers into the mapped file.
struct ConstantTensor {
    /// Name from the file, for messages.
    let name: String
    /// Storage type.
    let type: QVB.ElementType
    /// Dimensions.
    let shape: [Int]
    /// Quantization parameters, if the tensor holds codes.
    let quant: QVB.Quantization?
    /// Bytes per packed row.
    let rowStride: Int
    /// Arrangement of the elements.
    let layout: QVB.TensorLayout
    /// The bytes (zero-copy into the file, or a decompressed section).
    let bytes: UnsafeRawBufferPointer

    /// FP32 elements; the caller checked `type == .f32`.
    var floats: UnsafePointer<Float> { bytes.baseAddress!.assumingMemoryBound(to: Float.self) }

    /// Element count.
    var count: Int { shape.reduce(1, *) }

    /// The code format, for a quantized tensor.
    var format: QuantFormat? { quantFormat(type: type, quant: quant) }

    /// The tensor as a packed matrix `[shape[0], shape[1]]`, for a quantized 2-D tensor.
    var packedMatrix: PackedMatrix? {
        guard shape.count == 2, let format else { return nil }
        return PackedMatrix(base: bytes.baseAddress!, rows: shape[0], columns: shape[1], rowStride: rowStride, format: format)
    }
}

/// The stored format (QVQuant's traits table) described by `quant`, or nil if it names none.
func quantFormat(_ quant: QVB.Quantization?) -> QuantFormat? { quant?.format }

/// The stored format of codes stored as `type` under `quant`, or nil if the table stores it otherwise.
func quantFormat(type: QVB.ElementType, quant: QVB.Quantization?) -> QuantFormat? { quant?.format(storedAs: type) }

/// The per-tensor quantizer `quant` describes, or nil if it is not one (or its numbers are invalid).
func perTensorQuantizer(_ quant: QVB.Quantization?) -> Quantizer? {
    guard let format = quantFormat(quant), let quant, quant.axis == -1,
          quant.scale.count == 1, quant.offset.count <= 1 else { return nil }
    let scale = quant.scale[0], offset = quant.offset.first ?? 0
    guard scale > 0, scale.isFinite, offset.isFinite else { return nil }
    return Quantizer(format: format, scale: scale, offset: offset)
}
