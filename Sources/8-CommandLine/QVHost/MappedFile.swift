import CQVHost

/// A whole file mapped read-only into memory (`mmap`), unmapped when released. Model weights are
/// read straight from the mapping, so loading costs no copy.
public final class MappedFile {
    /// The mapped bytes.
    public let bytes: UnsafeRawBufferPointer
    /// The path it was opened from.
    public let path: String

    /// Maps `path`; throws a one-line error naming the path and the system's reason.
    public init(path: String) throws(CommandLineError) {
        self.path = path
        var address: UnsafeRawPointer?, size = 0
        let mapped = withMessageBuffer { qv_host_map_file(path, &address, &size, $0, $1) }
        guard mapped.result != 0 else { throw CommandLineError(mapped.message) }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit { qv_host_unmap_file(bytes.baseAddress, bytes.count) }
}
