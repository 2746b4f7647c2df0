import Foundation

/// The files of a model folder, by name relative to it (`config.json`, `1_Pooling/config.json`):
/// on disk, or held in memory (tests, and the fuzz harness of the importer). The importer reads
/// through it only, so both go through the same checks.
public struct ModelFolder: Sendable {
    private enum Storage: Sendable {
        case disk
        case memory([String: Data])
    }

    /// The folder's path, the prefix of every file named in messages.
    public let path: String
    private let storage: Storage

    /// The folder at `path` on disk.
    public init(path: String) {
        self.path = path
        storage = .disk
    }

    /// A folder of the given files, by relative name; `path` names it in messages.
    public init(path: String, files: [String: Data]) {
        self.path = path
        storage = .memory(files)
    }

    /// `name`'s path, for messages.
    public func location(_ name: String) -> String { path + "/" + name }

    /// The contents of `name`, or nil when the folder has no such file; a file that exists but
    /// cannot be read is an error.
    public func contents(_ name: String) throws(CompileError) -> Data? {
        switch storage {
        case .memory(let files):
            return files[name]
        case .disk:
            let file = location(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CompileError("\(file): cannot read the file; check its permissions")
            }
            return data
        }
    }
}
