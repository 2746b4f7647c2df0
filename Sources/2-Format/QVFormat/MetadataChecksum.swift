/// The whole-file integrity fields of a `.qvb` (`Model.metadata_crc32c` and `Model.file_size`).
/// The checksum covers every byte of the file except the contents of each `Section.data`
/// (which carry their own CRC) and reads its own four bytes as zero, so that the writer can
/// fill it in last and a flip of any metadata or padding byte is caught.
struct MetadataChecksum {
    /// Byte offset of the stored checksum.
    let checksumField: Int
    /// Byte offset of the stored file size.
    let fileSizeField: Int
    /// Byte ranges of the section data contents, which the checksum leaves out.
    let sectionData: [Range<Int>]

    /// Finds the fields and section data in a FlatBuffer whose root is a `Model`.
    init(locatingIn reader: FlatBufferReader) throws(FlatBufferError) {
        let root = try reader.rootTable()
        guard let checksumField = try root.position(of: QVBSchema.Model.metadataCRC32C),
              let fileSizeField = try root.position(of: QVBSchema.Model.fileSize) else {
            throw FlatBufferError("the model has no metadata checksum or file size", at: root.position)
        }
        _ = try reader.load(UInt32.self, at: checksumField)
        _ = try reader.load(UInt64.self, at: fileSizeField)
        var sectionData: [Range<Int>] = []
        if let sections = try root.vector(QVBSchema.Model.sections, elementSize: 4) {
            for index in 0 ..< sections.count {
                guard let data = try sections.table(at: index).vector(QVBSchema.Section.data, elementSize: 1) else { continue }
                sectionData.append(data.start ..< data.start + data.count)
            }
        }
        self.checksumField = checksumField
        self.fileSizeField = fileSizeField
        self.sectionData = sectionData
    }

    /// The checksum of `file` as defined above.
    func compute(over file: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0
        var position = 0
        for skipped in sectionData.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if skipped.lowerBound > position {
                crc = checksum(file, position ..< skipped.lowerBound, seed: crc)
            }
            position = max(position, skipped.upperBound)
        }
        if position < file.count { crc = checksum(file, position ..< file.count, seed: crc) }
        return crc
    }

    /// Continues `seed` over `range` of `file`, reading the checksum field's bytes as zero.
    private func checksum(_ file: UnsafeRawBufferPointer, _ range: Range<Int>, seed: UInt32) -> UInt32 {
        let field = checksumField ..< checksumField + 4
        var crc = seed
        var position = range.lowerBound
        if field.lowerBound > position {
            let end = min(range.upperBound, field.lowerBound)
            crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: file[position ..< end]), seed: crc)
            position = end
        }
        if position < range.upperBound, position < field.upperBound {
            let end = min(range.upperBound, field.upperBound)
            let zeros: [UInt8] = [0, 0, 0, 0]
            crc = zeros.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0 ..< end - position]), seed: crc) }
            position = end
        }
        if position < range.upperBound {
            crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: file[position ..< range.upperBound]), seed: crc)
        }
        return crc
    }

    /// Fills in the file size and then the checksum of a finished `.qvb` buffer.
    static func seal(_ file: inout [UInt8]) throws(FlatBufferError) {
        let located = file.withUnsafeBytes { bytes in
            Result { () throws(FlatBufferError) in try MetadataChecksum(locatingIn: FlatBufferReader(bytes: bytes)) }
        }
        let layout = try located.get()
        let size = UInt64(file.count)
        file.withUnsafeMutableBytes { $0.storeBytes(of: size.littleEndian, toByteOffset: layout.fileSizeField, as: UInt64.self) }
        let crc = file.withUnsafeBytes { layout.compute(over: $0) }
        file.withUnsafeMutableBytes { $0.storeBytes(of: crc.littleEndian, toByteOffset: layout.checksumField, as: UInt32.self) }
    }
}
