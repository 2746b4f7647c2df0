import QVFormat

/// One structure-aware mutant of a `.qvb`: the seed file decoded, mutated once or a few times by
/// `QVBMutator`, re-encoded and re-sealed — or nil when the writer's own consistency rules (the
/// reader's too) refuse it, which is a refusal before any graph code runs.
public struct QVBMutant {
    /// The mutant's file bytes.
    public let bytes: [UInt8]
    /// What was changed, one line per mutation.
    public let changes: [String]

    /// Mutates the file in `seed` `count` times with the generator seeded by `seedValue`.
    /// Returns nil when the seed is not a `.qvb` or the mutant cannot be written.
    public init?(seed: UnsafeRawBufferPointer, seedValue: UInt64, count: Int = 1) {
        guard let file = try? QVBFile(bytes: seed) else { return nil }
        var model = file.model
        var sections = file.sectionPayloads
        var mutator = QVBMutator(seed: seedValue)
        var changes: [String] = []
        for _ in 0..<max(count, 1) { changes.append(mutator.mutate(&model, sections: &sections)) }
        let compression: QVB.Compression = file.sections.contains { $0.compression == .zstd } ? .zstd : .none
        guard let bytes = try? QVBWriter.encode(model, sections: sections, compression: compression, zstdLevel: 1) else {
            return nil
        }
        self.bytes = bytes
        self.changes = changes
    }
}
