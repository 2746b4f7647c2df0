import CQVBShim

/// An opened `.qvb` file: its checked metadata and zero-copy access to its tensors.
///
/// The bytes passed to `init` (normally a read-only memory map of the file) must stay alive and
/// unchanged for as long as the `QVBFile` lives: uncompressed tensors point straight into them.
/// Zstd sections are decompressed once, into 64-byte aligned memory the file owns. Nothing
/// changes after `init`, so a `QVBFile` may be shared between threads.
public final class QVBFile: @unchecked Sendable {
    /// The model's metadata: configuration, tokenizer, tensors, values, ops, io.
    public let model: QVB.Model
    /// How each section is stored.
    public let sections: [QVB.SectionInfo]
    /// Uncompressed bytes of each section (into the caller's bytes, or into `decompressed`).
    private let sectionBytes: [UnsafeRawBufferPointer]
    /// Owner of the decompressed sections' memory.
    private let decompressed: [AlignedBytes]

    /// Opens the `.qvb` file in `bytes` and checks it completely: header and size, FlatBuffers
    /// structure (the C++ verifier), format version, metadata checksum, each section's
    /// CRC-32C (after decompression) and the model's consistency. When `bytes` starts at a
    /// 64-byte aligned address, so does every tensor.
    public init(bytes: UnsafeRawBufferPointer) throws(QVBError) {
        try QVBFile.checkHeader(bytes)
        let reader = FlatBufferReader(bytes: bytes)
        let (model, stored) = try QVBFile.decodeMetadata(reader)
        var sectionBytes: [UnsafeRawBufferPointer] = []
        var decompressed: [AlignedBytes] = []
        for (index, section) in stored.enumerated() {
            let data = UnsafeRawBufferPointer(rebasing: bytes[section.data])
            let uncompressed: UnsafeRawBufferPointer
            switch section.info.compression {
            case .none:
                try QVBFile.checkInPlace(section, index: index)
                uncompressed = data
            case .zstd:
                let storage = try ZstdSection.decompress(data, uncompressedSize: section.info.uncompressedSize,
                                                         section: section.info.name)
                decompressed.append(storage)
                uncompressed = storage.bytes
            }
            let crc = CRC32C.checksum(uncompressed)
            guard crc == section.info.crc32c else {
                throw QVBError(.corrupt, "section \(index) '\(section.info.name)' (file bytes \(section.data.lowerBound)"
                               + "..<\(section.data.upperBound)) fails its CRC-32C check: stored \(hex(section.info.crc32c)), "
                               + "computed \(hex(crc)); the tensor data is damaged — copy the file again or recompile "
                               + "with `qvc compile`")
            }
            sectionBytes.append(uncompressed)
        }
        do throws(QVBInconsistency) {
            try QVBValidator(model: model, sectionSizes: sectionBytes.map { $0.count }).check()
        } catch {
            throw QVBError(.corrupt, "inconsistent model: \(error.message); the file was written by a faulty tool or "
                           + "damaged — recompile with `qvc compile`")
        }
        self.model = model
        self.sections = stored.map { $0.info }
        self.sectionBytes = sectionBytes
        self.decompressed = decompressed
    }

    /// The bytes of tensor `index` of `model.tensors` (its `size` bytes, zero-copy for an
    /// uncompressed section). Valid while this `QVBFile` and the bytes it was opened on live.
    /// `index` must be a valid index of `model.tensors`; the tensor's range was checked by `init`.
    public func tensorBytes(_ index: Int) -> UnsafeRawBufferPointer {
        let tensor = model.tensors[index]
        return UnsafeRawBufferPointer(rebasing: sectionBytes[tensor.section][tensor.offset ..< tensor.offset + tensor.size])
    }

    /// Copies of the sections as `QVBWriter.encode` takes them (name and uncompressed bytes), so
    /// a decoded file can be edited and written again.
    public var sectionPayloads: [QVB.SectionPayload] {
        sections.indices.map { QVB.SectionPayload(name: sections[$0].name, bytes: Array(sectionBytes[$0])) }
    }

    // MARK: Checks

    /// Identifier, declared size and FlatBuffers structure, in that order, so that a truncated
    /// file is reported as such rather than as malformed.
    private static func checkHeader(_ bytes: UnsafeRawBufferPointer) throws(QVBError) {
        guard bytes.count >= 8 else {
            throw QVBError(.notQVB, "not a qv model file: it has \(bytes.count) bytes, fewer than the 8-byte .qvb header; "
                           + "compile a model with `qvc compile`")
        }
        guard bytes[4 ..< 8].elementsEqual(QVBSchema.fileIdentifier) else {
            throw QVBError(.notQVB, "not a qv model file: bytes 4..<8 are not the identifier \"QVB1\"; "
                           + "compile a model with `qvc compile`")
        }
        let reader = FlatBufferReader(bytes: bytes)
        let declaredSize: UInt64
        do throws(FlatBufferError) {
            let layout = try MetadataChecksum(locatingIn: reader)
            declaredSize = try reader.load(UInt64.self, at: layout.fileSizeField)
        } catch {
            throw QVBError(.truncated, "the file's header table cannot be read within its \(bytes.count) bytes (\(error.message)): "
                           + "the file is truncated or damaged; copy it again or recompile with `qvc compile`")
        }
        guard declaredSize <= UInt64(bytes.count) else {
            throw QVBError(.truncated, "the file is truncated: it has \(bytes.count) bytes but was written with "
                           + "\(declaredSize); the copy or download is incomplete — copy it again")
        }
        guard declaredSize == UInt64(bytes.count) else {
            throw QVBError(.corrupt, "the file has \(bytes.count) bytes but was written with \(declaredSize): extra bytes "
                           + "follow the model; copy the file again or recompile with `qvc compile`")
        }
        guard bytes.count < QVBSchema.maximumFileSize else {
            throw QVBError(.corrupt, "the file has \(bytes.count) bytes, over the 2 GiB limit of a .qvb; "
                           + "recompile with zstd compression or a lower precision")
        }
        guard qvb_verify(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count) == 1 else {
            throw QVBError(.corrupt, "the file's FlatBuffers structure is damaged (the verifier rejects it); "
                           + "copy it again or recompile with `qvc compile`")
        }
    }

    /// Format version, metadata checksum, then the decoded metadata.
    private static func decodeMetadata(_ reader: FlatBufferReader) throws(QVBError) -> (QVB.Model, [StoredSection]) {
        let version: UInt32
        let layout: MetadataChecksum
        let storedChecksum: UInt32
        do throws(FlatBufferError) {
            version = try reader.rootTable().integer(QVBSchema.Model.formatVersion, default: UInt32(0))
            layout = try MetadataChecksum(locatingIn: reader)
            storedChecksum = try reader.load(UInt32.self, at: layout.checksumField)
        } catch {
            throw malformed(error)
        }
        guard (UInt32(QVB.oldestReadableVersion)...UInt32(QVB.formatVersion)).contains(version) else {
            throw QVBError(.unsupportedVersion, "the file is .qvb format version \(version), but this qv reads versions "
                           + "\(QVB.oldestReadableVersion) to \(QVB.formatVersion); recompile the model with this qv's "
                           + "`qvc compile`, or use a qv that reads version \(version)")
        }
        let computedChecksum = layout.compute(over: reader.bytes)
        guard storedChecksum == computedChecksum else {
            throw QVBError(.corrupt, "the metadata checksum does not match (stored \(hex(storedChecksum)), computed "
                           + "\(hex(computedChecksum))): the file is damaged; copy it again or recompile with `qvc compile`")
        }
        do throws(FlatBufferError) {
            var decoder = QVBDecoder(reader: reader)
            let (model, sections) = try decoder.decode()
            return (model, sections)
        } catch {
            throw malformed(error)
        }
    }

    private static func malformed(_ error: FlatBufferError) -> QVBError {
        QVBError(.corrupt, "the metadata is malformed at byte \(error.offset): \(error.message); recompile with `qvc compile`")
    }

    /// An uncompressed section is used in place: its size must match and it must be aligned.
    private static func checkInPlace(_ section: StoredSection, index: Int) throws(QVBError) {
        let place = "section \(index) '\(section.info.name)'"
        guard section.info.storedSize == section.info.uncompressedSize else {
            throw QVBError(.corrupt, "\(place) stores \(section.info.storedSize) bytes but records "
                           + "\(section.info.uncompressedSize) uncompressed; recompile with `qvc compile`")
        }
        guard section.data.lowerBound % QVBSchema.sectionAlignment == 0 else {
            throw QVBError(.corrupt, "\(place) data starts at file byte \(section.data.lowerBound), not a multiple of "
                           + "\(QVBSchema.sectionAlignment); recompile with `qvc compile`")
        }
    }
}
