import Foundation

/// A small JSON object read from a model folder, with typed look-ups that report the file.
struct JSONFile {
    /// Path, for messages.
    let path: String
    /// Top-level object.
    let object: [String: Any]

    /// Reads `name` from `folder`, or returns nil if the folder has no such file.
    static func read(_ name: String, in folder: ModelFolder) throws(CompileError) -> JSONFile? {
        guard let data = try folder.contents(name) else { return nil }
        return try parse(data, path: folder.location(name))
    }

    /// Parses `data` (named `path` in messages), which must hold one JSON object.
    static func parse(_ data: Data, path: String) throws(CompileError) -> JSONFile {
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: data) } catch {
            throw CompileError("\(path): not valid JSON (\(error.localizedDescription)); fix or re-export the file")
        }
        guard let object = any as? [String: Any] else { throw CompileError("\(path): expected a JSON object") }
        return JSONFile(path: path, object: object)
    }

    /// Integer field, if present; a fraction (`32.7`), a string or a boolean there is an error,
    /// not a truncation. Integers beyond ±2⁶² (Hugging Face's "no limit" 10³⁰) saturate.
    func int(_ key: String) throws(CompileError) -> Int? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let n = value as? NSNumber, !Self.isBoolean(n), case let d = n.doubleValue, d.isFinite, d == d.rounded() else {
            throw CompileError("\(path): '\(key)' must be an integer, is \(value)")
        }
        return abs(d) < 0x1p62 ? n.intValue : (d > 0 ? Int.max : Int.min)
    }
    /// Number field, if present.
    func double(_ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }
    /// Boolean field, if present (JSON null counts as absent).
    func bool(_ key: String) -> Bool? { object[key] is NSNull ? nil : (object[key] as? NSNumber)?.boolValue }
    /// String field, if present.
    func string(_ key: String) -> String? { object[key] as? String }
    /// Nested object, if present.
    func child(_ key: String) -> JSONFile? {
        (object[key] as? [String: Any]).map { JSONFile(path: "\(path) [\(key)]", object: $0) }
    }

    /// Integer field that must be present and positive (`32.7` is refused, not truncated).
    func requiredPositive(_ key: String) throws(CompileError) -> Int {
        guard let n = object[key] as? NSNumber, !Self.isBoolean(n), n.doubleValue == n.doubleValue.rounded(),
              case let v = n.intValue, v > 0, v <= 1 << 24 else {
            throw CompileError("\(path): '\(key)' must be a positive integer")
        }
        return v
    }

    /// Whether JSON gave `n` for `true` or `false`. (`is Bool` cannot tell: on Linux, Foundation
    /// bridges the numbers 0 and 1 to `Bool` too; a JSON boolean alone has the C type `char`.)
    static func isBoolean(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }
}
