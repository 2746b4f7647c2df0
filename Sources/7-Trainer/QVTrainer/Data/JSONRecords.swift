import Foundation

/// Reads JSON Lines (one object per line; blank lines skipped) or, when the text starts with
/// `[`, one JSON array of objects. A string value is taken as it is, a number or boolean in its
/// JSON spelling; null, arrays and objects count as no value. The columns are every key seen,
/// sorted.
enum JSONRecords {
    /// The table `utf8` holds (`path` is for messages).
    static func table(_ utf8: [UInt8], path: String) throws(DataError) -> TextTable {
        let first = utf8.first { !isSpace($0) }
        var objects: [(line: Int, object: [String: Any])] = []
        if first == UInt8(ascii: "[") {
            guard let array = try parse(utf8[...], at: path) as? [Any] else {
                throw DataError("\(path): not a JSON array of objects; write one JSON object per line")
            }
            for (i, element) in array.enumerated() {
                objects.append((i + 1, try object(element, at: "\(path) record \(i + 1)")))
            }
        } else {
            var line = 0
            for slice in utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                line += 1
                let text = slice.last == UInt8(ascii: "\r") ? slice.dropLast() : slice
                guard text.contains(where: { !isSpace($0) }) else { continue }
                objects.append((line, try object(try parse(text, at: "\(path):\(line)"), at: "\(path):\(line)")))
            }
        }
        guard !objects.isEmpty else { throw DataError.emptyFile(path) }
        let columns = Set(objects.flatMap(\.object.keys)).sorted()
        let rows = objects.map { line, object in
            TextTable.Row(line: line, fields: columns.map { scalarText(object[$0]) })
        }
        return TextTable(columns: columns, rows: rows, rowUnit: first == UInt8(ascii: "[") ? "record" : "line")
    }

    /// The JSON value in `bytes`, or an error naming `place`.
    private static func parse(_ bytes: ArraySlice<UInt8>, at place: String) throws(DataError) -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw DataError("\(place): not valid JSON; write one JSON object per line")
        }
    }

    /// `value` as an object, or an error naming `place`.
    private static func object(_ value: Any, at place: String) throws(DataError) -> [String: Any] {
        guard let o = value as? [String: Any] else {
            throw DataError("\(place): not a JSON object; write each row as {\"text\": …, \"label\": …}")
        }
        return o
    }

    /// Whether `byte` is JSON whitespace.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The text of a string, number or boolean; nil for anything else or no value.
    private static func scalarText(_ value: Any?) -> String? {
        switch value {
        case let s as String: s
        case let n as NSNumber: n.stringValue
        default: nil
        }
    }
}
