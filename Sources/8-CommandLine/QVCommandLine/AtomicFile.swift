import Glibc

/// Writes files so that readers never see a partial one: the bytes go to a temporary file in
/// the same folder, are flushed to disk, the temporary file is renamed over the target, and the
/// folder is flushed so that the rename itself survives a crash.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically; on any failure the temporary file is removed and
    /// `path` is left as it was.
    /// SIGINT or SIGTERM while the temporary file exists removes it before the process ends; a
    /// file-size limit (`ulimit -f`) is an error, not a SIGXFSZ.
    public static func write(_ bytes: [UInt8], to path: String) throws(CommandLineError) {
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CommandLineError("cannot create '\(temp)': \(String(cString: strerror(errno))); check that the folder exists and is writable") }
        let guardian = TemporaryFileGuard(temp)
        defer { guardian.release() }
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

    /// Throws if `output` is the same file as one of `inputs` (compare by device and inode, so
    /// another spelling of the path is caught too): writing it would destroy the input.
    public static func refuseOverwriting(_ inputs: [String], with output: String) throws(CommandLineError) {
        var o = stat()
        guard stat(output, &o) == 0 else { return }
        for input in inputs {
            var i = stat()
            if stat(input, &i) == 0, i.st_dev == o.st_dev, i.st_ino == o.st_ino {
                throw CommandLineError("-o '\(output)' is the input '\(input)'; writing it would destroy the input — choose another output path")
            }
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

/// The path of the temporary file being written, for the signal handler (one write at a time:
/// commands write their outputs one after another).
nonisolated(unsafe) private var pendingTemporaryFile: UnsafeMutablePointer<CChar>?

/// Removes the pending temporary file and ends the process with the signal it received.
private func removePendingFileAndExit(_ signal: Int32) {
    if let path = pendingTemporaryFile { unlink(path) }
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
}

/// While alive, makes SIGINT and SIGTERM remove the temporary file `path` and ignores SIGXFSZ
/// (a file-size limit then fails the write with EFBIG instead of killing the process).
private struct TemporaryFileGuard {
    private let previous: [(Int32, sighandler_t?)]

    init(_ path: String) {
        pendingTemporaryFile = strdup(path)
        previous = [SIGINT, SIGTERM, SIGXFSZ].map { sig in
            (sig, signal(sig, sig == SIGXFSZ ? SIG_IGN : removePendingFileAndExit))
        }
    }

    /// Restores the previous handlers and forgets the file.
    func release() {
        for (sig, handler) in previous { signal(sig, handler) }
        free(pendingTemporaryFile)
        pendingTemporaryFile = nil
    }
}
