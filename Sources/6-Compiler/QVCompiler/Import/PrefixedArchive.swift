/// A view of another archive under renamed prefixes: the base's tensors whose names start with
/// `storedPrefix` appear with that prefix replaced by `shownPrefix`; the others are hidden.
/// Stripping `bert.` or DataParallel's `module.`, or looking into one entry of a nested
/// checkpoint (`model.` after flattening `{"model": …}`), is `PrefixedArchive(base, stripping:)`;
/// adding a prefix is `PrefixedArchive(base, adding:)`. Reads and their errors are the base's,
/// under the stored names.
public struct PrefixedArchive<Base: TensorArchive>: TensorArchive {
    /// The archive viewed.
    public let base: Base
    /// The prefix of the names in the base that the view shows.
    public let storedPrefix: String
    /// What the view shows in place of `storedPrefix`.
    public let shownPrefix: String
    /// The shown names, in ascending order.
    public let tensorNames: [String]

    /// Shows `base`'s tensors named `storedPrefix…` as `shownPrefix…`.
    public init(_ base: Base, replacing storedPrefix: String, with shownPrefix: String) {
        self.base = base
        self.storedPrefix = storedPrefix
        self.shownPrefix = shownPrefix
        tensorNames = base.tensorNames.filter { $0.hasPrefix(storedPrefix) }
            .map { shownPrefix + $0.dropFirst(storedPrefix.count) }.sorted()
    }

    /// Shows `base`'s tensors named `prefix…` without the prefix, and hides the others.
    public init(_ base: Base, stripping prefix: String) { self.init(base, replacing: prefix, with: "") }

    /// Shows every tensor of `base` with `prefix` in front of its name.
    public init(_ base: Base, adding prefix: String) { self.init(base, replacing: "", with: prefix) }

    /// The base's file.
    public var path: String { base.path }

    /// The base's name for the shown name `name` (whether or not the base holds it), or nil
    /// when `name` lies outside the view.
    public func storedName(_ name: String) -> String? {
        name.hasPrefix(shownPrefix) ? storedPrefix + name.dropFirst(shownPrefix.count) : nil
    }

    /// Element type and shape of the shown tensor `name`, or nil when the view has none.
    public func info(_ name: String) -> TensorInfo? { storedName(name).flatMap { base.info($0) } }

    /// The shown tensor `name` converted to FP32, with its shape.
    public func floats(_ name: String) throws(CompileError) -> (values: [Float], shape: [Int]) {
        guard let stored = storedName(name) else { throw noTensor(name) }
        return try base.floats(stored)
    }
}
