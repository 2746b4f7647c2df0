import QVCommandLine

let usage = """
usage: qvc compile MODEL_DIR_OR_FILE -o OUT.qvb [--bits fp32|w8a8|w2a2|w1a1] [--zstd] [--calibration TEXTS.txt] [--json]
       qvc eval MODEL.qvb --data FILE [--text-column C] [--label-column L] [--threads N] [--json]
       qvc inspect FILE.qvb [--json]
       qvc bench FILE.qvb [--seq N] [--threads N] [--runs N] [--json]
       qvc bench --kernels [--threads N] [--json] [--quick]
"""

let words = Array(CommandLine.arguments.dropFirst())
runCommand(program: "qvc") { () throws(CommandLineError) in
    guard let command = words.first else { throw .usage("no command\n" + usage) }
    let rest = Array(words.dropFirst())
    switch command {
    case "compile": try compileCommand(rest)
    case "eval": try evalCommand(rest)
    case "inspect": try inspectCommand(rest)
    case "bench": try benchCommand(rest)
    case "-h", "--help", "help": print(usage)
    default: throw .usage("unknown command '\(command)'\n" + usage)
    }
}
