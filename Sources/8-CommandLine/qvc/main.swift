import QVCommandLine

let usage = """
usage: qvc compile MODEL_DIR_OR_FILE -o OUT.qvb [--bits fp32|w8a8|w4a4|w2a2|w1a1] [--zstd] [--calibration TEXTS.txt] [--json]
       qvc finetune --model DIR_OR_CKPT --data FILE -o OUT.ckpt [--bits fp32|w8a8|w4a4|w2a2|w1a1] [--teacher CKPT] [--epochs N]
                    [--batch N] [--lr X] [--max-length N] [--threads N] [--seed N] [--text-column C] [--label-column L]
                    [--recipe lsq|no-split-qkv|no-binreg|no-kd|hidden-kd|per-tensor,...] [--max-steps N] [--resume] [--json]
       qvc verify MODEL.ckpt MODEL.qvb --data FILE [--threads N] [--json]
       qvc split --data FILE -o DIR [--test 0.1] [--seed N] [--json]
       qvc analyze FP32.ckpt --data FILE [--bits w2a2] [--limit N] [--threads N] [--json]
       qvc eval MODEL.qvb|MODEL.ckpt --data FILE [--text-column C] [--label-column L] [--threads N] [--json]
       qvc inspect FILE.qvb [--json]
       qvc bench FILE.qvb [--seq N] [--threads N] [--runs N] [--json]
       qvc bench --kernels [--threads N] [--json] [--quick]
       qvc bench --train MODEL_DIR [--bits B] [--batch N] [--seq N] [--threads N] [--steps N] [--json]
"""

let words = Array(CommandLine.arguments.dropFirst())
runCommand(program: "qvc") { () throws(CommandLineError) in
    guard let command = words.first else { throw .usage("no command\n" + usage) }
    let rest = Array(words.dropFirst())
    switch command {
    case "compile": try compileCommand(rest)
    case "finetune": try finetuneCommand(rest)
    case "eval": try evalCommand(rest)
    case "analyze": try analyzeCommand(rest)
    case "split": try splitCommand(rest)
    case "verify": try verifyCommand(rest)
    case "inspect": try inspectCommand(rest)
    case "bench": try benchCommand(rest)
    case "-h", "--help", "help": print(usage)
    default: throw .usage("unknown command '\(command)'\n" + usage)
    }
}
