import CQVHost

extension Arguments {
    /// The memory a session may plan: `--max-memory` (bytes, or a number with K, M or G, binary
    /// units) or, by default, the machine's physical memory — so an absurd model file is refused
    /// with a message instead of aborting in the allocator.
    public func memoryBudget() throws(CommandLineError) -> Int {
        guard let text = value("--max-memory") else { return physicalMemory() }
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = Substring(text.uppercased()), unit = 1
        if let last = digits.last, let u = units[last] { unit = u; digits = digits.dropLast() }
        guard let n = Int(digits), n > 0, case (let bytes, false) = n.multipliedReportingOverflow(by: unit) else {
            throw .usage("--max-memory takes a size such as 512M, 2G or a number of bytes, got '\(text)'")
        }
        return bytes
    }
}

/// Bytes of physical memory (4 GiB if the system does not say).
public func physicalMemory() -> Int {
    let bytes = qv_host_physical_memory()
    return bytes == 0 ? 1 << 32 : Int(clamping: bytes)
}
