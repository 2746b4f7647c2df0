// swift-tools-version:6.0
// Single-thread speed of the 1-bit integerGemm against this CPU's XOR-popcount ceiling.
//   swift run -c release --package-path tools/binary-gemm-bench binary-gemm-bench [path] [xor|and] [scale|bias]
import PackageDescription

let package = Package(
    name: "binary-gemm-bench",
    dependencies: [.package(name: "qv", path: "../..")],
    targets: [
        .executableTarget(name: "binary-gemm-bench", dependencies: [.product(name: "QVRuntime", package: "qv"),
                                                                      .product(name: "QVBenchCeilings", package: "qv")]),
    ]
)
