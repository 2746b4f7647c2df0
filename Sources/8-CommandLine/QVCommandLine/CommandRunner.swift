import Glibc

/// Runs a command's body and turns any failure into one line on standard error and a
/// non-zero exit status.
public func runCommand(program: String, _ body: () throws(CommandLineError) -> Void) -> Never {
    do {
        try body()
        exit(0)
    } catch {
        writeStandardError("\(program): error: \(error.message)\n")
        exit(error.status)
    }
}
