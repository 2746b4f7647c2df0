/// Writes `.qvb` files.
public enum QVBWriter {
    /// The zstd level used unless told otherwise: slow to write, same speed to read.
    public static let defaultZstdLevel: Int32 = 19

    /// Encodes `model` with its tensor bytes into a complete `.qvb` file.
    ///
    /// Each tensor's `(section, offset, size)` addresses `sections[section].bytes`; offsets must
    /// be multiples of 64. The model is checked first with the same rules the reader applies,
    /// so a file this returns always opens. With `.zstd`, a section is stored compressed only
    /// when that makes it smaller. The output is deterministic: the same input (and libzstd)
    /// gives the same bytes.
    public static func encode(_ model: QVB.Model, sections: [QVB.SectionPayload], compression: QVB.Compression,
                              zstdLevel: Int32 = defaultZstdLevel) throws(QVBError) -> [UInt8] {
        var payloadBytes = 0
        for section in sections { payloadBytes += section.bytes.count }
        guard payloadBytes < QVBSchema.maximumFileSize else {
            throw QVBError(.invalidModel, "cannot write: the sections hold \(payloadBytes) bytes, over the 2 GiB limit "
                           + "of one .qvb (FlatBuffers offsets are 32-bit); use a lower precision")
        }
        do throws(QVBInconsistency) {
            try QVBValidator(model: model, sectionSizes: sections.map { $0.bytes.count }).check()
        } catch {
            throw QVBError(.invalidModel, "cannot write the model: \(error.message); fix the model before writing it")
        }
        return try sealed(model, sections: sections, compression: compression, zstdLevel: zstdLevel, payloadBytes: payloadBytes)
    }

    /// The file of `model` and `sections`, checksummed and sealed but not validated: what a
    /// hostile writer could make (the tests' hostile corpus is written with it); `encode` is the
    /// writer.
    static func sealed(_ model: QVB.Model, sections: [QVB.SectionPayload], compression: QVB.Compression,
                       zstdLevel: Int32, payloadBytes: Int) throws(QVBError) -> [UInt8] {
        var stored: [StoredPayload] = []
        for section in sections {
            stored.append(try StoredPayload(section, compression: compression, zstdLevel: zstdLevel))
        }
        // Room for the payload, its alignment padding and about 1 MiB of metadata (a BERT vocabulary).
        var encoder = QVBEncoder(capacity: payloadBytes + 64 * sections.count + (1 << 20))
        let root = try encoder.model(model, sections: stored)
        var file = encoder.builder.finish(root: root, fileIdentifier: QVBSchema.fileIdentifier)
        guard file.count < QVBSchema.maximumFileSize else {
            throw QVBError(.invalidModel, "cannot write: the file would be \(file.count) bytes, over the 2 GiB limit of "
                           + "one .qvb; use zstd compression or a lower precision")
        }
        do throws(FlatBufferError) {
            try MetadataChecksum.seal(&file)
        } catch {
            throw QVBError(.invalidModel, "cannot write: sealing the file failed at byte \(error.offset): \(error.message)")
        }
        return file
    }
}

/// A section as it will be stored: possibly compressed bytes plus what the reader checks.
struct StoredPayload {
    /// Section name.
    let name: String
    /// The bytes to store (compressed when `compression` is `.zstd`).
    let bytes: [UInt8]
    /// How `bytes` are stored.
    let compression: QVB.Compression
    /// Size before compression.
    let uncompressedSize: Int
    /// CRC-32C of the uncompressed bytes.
    let crc32c: UInt32

    /// Prepares `payload`, compressing it when asked and when that makes it smaller.
    init(_ payload: QVB.SectionPayload, compression: QVB.Compression, zstdLevel: Int32) throws(QVBError) {
        name = payload.name
        uncompressedSize = payload.bytes.count
        crc32c = CRC32C.checksum(payload.bytes)
        if compression == .zstd {
            let compressed = try ZstdSection.compress(payload.bytes, level: zstdLevel, section: payload.name)
            if compressed.count < payload.bytes.count {
                bytes = compressed
                self.compression = .zstd
                return
            }
        }
        bytes = payload.bytes
        self.compression = .none
    }
}
