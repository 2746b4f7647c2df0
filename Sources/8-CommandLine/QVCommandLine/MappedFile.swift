import Glibc

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
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CommandLineError("cannot open '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CommandLineError("cannot stat '\(path)': \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw CommandLineError("'\(path)' is not a regular file") }
        let size = Int(st.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw CommandLineError("cannot map '\(path)': \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
