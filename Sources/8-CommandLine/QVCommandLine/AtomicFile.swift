import Glibc

/// Writes files so that readers never see a partial one: the bytes go to a temporary file in
/// the same folder, are flushed to disk, the temporary file is renamed over the target, and the
/// folder is flushed so that the rename itself survives a crash.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically; on any failure the temporary file is removed and
    /// `path` is left as it was.
    public static func write(_ bytes: [UInt8], to path: String) throws(CommandLineError) {
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CommandLineError("cannot create '\(temp)': \(String(cString: strerror(errno))); check that the folder exists and is writable") }
        var failure: String?
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno)); return
                }
                done += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil, rename(temp, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temp)
            throw CommandLineError("cannot write '\(path)': \(failure)")
        }
        if let failure = syncFolder(of: path) {
            throw CommandLineError("wrote '\(path)' but could not flush its folder to disk: \(failure); check the disk")
        }
    }

    /// Flushes the folder holding `path` (its entry for the renamed file); the error text, or nil.
    private static func syncFolder(of path: String) -> String? {
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let fd = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        return fsync(fd) == 0 ? nil : String(cString: strerror(errno))
    }
}
