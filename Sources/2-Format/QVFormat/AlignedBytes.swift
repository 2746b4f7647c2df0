/// Heap bytes aligned to 64, owned by this object and freed with it: where decompressed
/// sections live so that their tensors are as aligned as those used in place.
final class AlignedBytes {
    /// Start of the bytes.
    let pointer: UnsafeMutableRawPointer
    /// Number of bytes.
    let count: Int

    /// Allocates `count` uninitialised bytes aligned to `QVBSchema.sectionAlignment`.
    init(count: Int) {
        self.count = count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: QVBSchema.sectionAlignment)
    }

    deinit { pointer.deallocate() }

    /// The bytes, read-only.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: pointer, count: count) }
}
