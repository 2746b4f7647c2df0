import Glibc
import QVRun

// qvrun's command lives in QVRun, shared with the ARM64 board binary (tools/build-arm64.sh).
exit(qvrunMain(arguments: Array(CommandLine.arguments.dropFirst())))
