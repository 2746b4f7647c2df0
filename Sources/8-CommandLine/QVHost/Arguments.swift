/// Command-line arguments: positional words and `--name value` / `--flag` options, checked
/// against what the command accepts so a typo is an error, not a silently ignored option.
public struct Arguments {
    /// Positional arguments in order.
    public private(set) var positional: [String] = []
    private var options: [String: String] = [:]
    private var flags: Set<String> = []

    /// Parses `words`; `valued` options take a value, `switches` take none.
    public init(_ words: [String], valued: Set<String>, switches: Set<String>) throws(CommandLineError) {
        var i = 0
        while i < words.count {
            let w = words[i]
            if w.hasPrefix("--") || (w.hasPrefix("-") && w.count == 2) {
                if valued.contains(w) {
                    guard i + 1 < words.count else { throw .usage("\(w) needs a value") }
                    options[w] = words[i + 1]
                    i += 2
                    continue
                }
                guard switches.contains(w) else {
                    throw .usage("unknown option \(w); accepted: \((valued.union(switches)).sorted().joined(separator: " "))")
                }
                flags.insert(w)
            } else {
                positional.append(w)
            }
            i += 1
        }
    }

    /// The value of option `name`, if given.
    public func value(_ name: String) -> String? { options[name] }

    /// Whether switch `name` was given.
    public func has(_ name: String) -> Bool { flags.contains(name) }

    /// The integer value of `name` (or `defaultValue`), which must lie in `range`.
    public func int(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(CommandLineError) -> Int {
        guard let s = options[name] else { return defaultValue }
        guard let v = Int(s), range.contains(v) else { throw .usage("\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), got '\(s)'") }
        return v
    }
}
