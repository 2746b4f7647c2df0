import CZstd

/// zstd compression of section bytes, with the size checks that keep a lying file from making
/// the reader allocate or write more than it should.
enum ZstdSection {
    /// A zstd block (at most 128 KiB) takes at least 4 bytes, so no frame expands more than this.
    static let maximumExpansion = 32768
    /// `ZSTD_CONTENTSIZE_UNKNOWN`: the frame header does not record the content size.
    private static let contentSizeUnknown = UInt64.max
    /// `ZSTD_CONTENTSIZE_ERROR`: not a zstd frame.
    private static let contentSizeError = UInt64.max - 1

    /// `bytes` compressed as one zstd frame at `level`; deterministic for a given libzstd.
    static func compress(_ bytes: [UInt8], level: Int32, section: String) throws(QVBError) -> [UInt8] {
        var compressed = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
        let written = compressed.withUnsafeMutableBytes { destination in
            bytes.withUnsafeBytes { source in
                ZSTD_compress(destination.baseAddress, destination.count, source.baseAddress, source.count, level)
            }
        }
        if ZSTD_isError(written) != 0 {
            throw QVBError(.compression, "cannot write: zstd failed to compress section '\(section)' at level \(level): "
                           + String(cString: ZSTD_getErrorName(written)) + "; try a lower level or no compression")
        }
        compressed.removeLast(compressed.count - written)
        return compressed
    }

    /// Decompresses the single zstd frame `compressed` into 64-byte aligned storage, requiring
    /// exactly `uncompressedSize` bytes out.
    static func decompress(_ compressed: UnsafeRawBufferPointer, uncompressedSize: Int, section: String)
        throws(QVBError) -> AlignedBytes
    {
        let advice = "the file is damaged; copy it again or recompile with `qvc compile`"
        let (limit, overflow) = compressed.count.multipliedReportingOverflow(by: maximumExpansion)
        guard uncompressedSize <= QVBSchema.maximumFileSize, overflow || uncompressedSize <= limit else {
            throw QVBError(.compression, "section '\(section)' records \(uncompressedSize) uncompressed bytes, more than "
                           + "its \(compressed.count) zstd bytes can hold (or over 2 GiB); \(advice)")
        }
        let frameSize = ZSTD_findFrameCompressedSize(compressed.baseAddress, compressed.count)
        guard ZSTD_isError(frameSize) == 0, frameSize == compressed.count else {
            throw QVBError(.compression, "section '\(section)' is not exactly one zstd frame of \(compressed.count) bytes; \(advice)")
        }
        let declared = ZSTD_getFrameContentSize(compressed.baseAddress, compressed.count)
        guard declared != contentSizeError, declared == contentSizeUnknown || declared == UInt64(uncompressedSize) else {
            throw QVBError(.compression, "section '\(section)' records \(uncompressedSize) uncompressed bytes but its zstd "
                           + "frame declares \(declared); \(advice)")
        }
        let storage = AlignedBytes(count: uncompressedSize)
        let produced = ZSTD_decompress(storage.pointer, uncompressedSize, compressed.baseAddress, compressed.count)
        if ZSTD_isError(produced) != 0 {
            throw QVBError(.compression, "section '\(section)' does not decompress to its recorded \(uncompressedSize) bytes: "
                           + String(cString: ZSTD_getErrorName(produced)) + "; \(advice)")
        }
        guard produced == uncompressedSize else {
            throw QVBError(.compression, "section '\(section)' decompresses to \(produced) bytes, but \(uncompressedSize) "
                           + "are recorded; \(advice)")
        }
        return storage
    }
}
