/// The wire layout of formats/qvb.fbs: the vtable slot of every table field (declaration order;
/// a union takes two slots, its type then its value), union member numbers and constants.
/// Encoder and decoder both use these, so they cannot disagree.
enum QVBSchema {
    /// The file identifier, bytes 4–7 of every `.qvb`.
    static let fileIdentifier: [UInt8] = [0x51, 0x56, 0x42, 0x31]  // "QVB1"
    /// Alignment of section data in the file and of tensor offsets inside a section.
    static let sectionAlignment = 64
    /// FlatBuffers' limit: buffers must be smaller than 2 GiB (32-bit signed offsets).
    static let maximumFileSize = Int(Int32.max)

    enum Quantization: Int, FlatBufferField { case scheme, bits, axis, scale, offset }
    enum Section: Int, FlatBufferField { case name, compression, uncompressedSize, crc32c, data }
    enum Tensor: Int, FlatBufferField {
        case name, type, shape, quant, rowStride, section, offset, size, layout
    }
    enum Value: Int, FlatBufferField { case name, type, shape, quant, layout, heads }
    enum LayerNormAttrs: Int, FlatBufferField { case epsilon }
    enum LinearAttrs: Int, FlatBufferField { case activation }
    enum AttentionAttrs: Int, FlatBufferField { case heads, scoreScale, probs, groupRows }
    enum L2NormalizeAttrs: Int, FlatBufferField { case epsilon }
    enum Op: Int, FlatBufferField { case name, attributesType, attributes, inputs, outputs, weights }
    enum Tokenizer: Int, FlatBufferField {
        case vocab, lowercase, stripAccents, handleChineseChars, cleanText, continuingPrefix
        case maxInputCharsPerWord, maxLength, unkId, clsId, sepId, padId, specialIds
    }
    enum BertConfig: Int, FlatBufferField {
        case hidden, layers, heads, intermediate, vocabSize, maxPositions, typeVocabSize
        case layerNormEps, pooling, normalize, labels
    }
    enum Producer: Int, FlatBufferField { case name, version, source, command }
    enum ModelIO: Int, FlatBufferField { case inputIds, tokenTypes, mask, embedding, logits }
    enum ModelPort: Int, FlatBufferField { case name, value, role }
    enum Model: Int, FlatBufferField {
        case formatVersion, producer, family, bert, precision, tokenizer, tensors, values, ops, io
        case sections, metadataCRC32C, fileSize, inputs, outputs, maxTokens
    }

    /// Member numbers of the `OpAttrs` union (0 is NONE).
    enum OpAttrs: UInt8 {
        case embedding = 1, layerNorm, quantize, linear, attention, meanPool, clsPool, l2Normalize
        case softmax
    }
}
