// The bench-only ceiling loops of `qvc bench --kernels` (moved here from QVKernelsTests with the
// loops themselves, out of the runtime core): they report exactly the work they ran.
import Testing
import QVBenchCeilings
import QVKernels

@Suite struct KernelCeilingTests {
    @Test func popcountCeilingReportsTheWorkItDid() {
        for path in KernelPath.allCases {
            let none = binaryPopcountCeiling(path: path, iterations: 0)
            let one = binaryPopcountCeiling(path: path, iterations: 1)
            let three = binaryPopcountCeiling(path: path, iterations: 3)
            #expect(none.multiplyAccumulates == 0 && none.checksum == 0, "\(path)")
            #expect(one.multiplyAccumulates > 0 && three.multiplyAccumulates == 3 * one.multiplyAccumulates, "\(path)")
            #expect(one.checksum > 0 && three.checksum > one.checksum, "\(path)")
            #expect(binaryPopcountCeiling(path: path, iterations: 3).checksum == three.checksum, "\(path)")
        }
    }

    @Test func ceilingCountsTheMultiplyAccumulatesItRan() {
        for path in KernelPath.supported {
            let macs = int8DotCeiling(path: path, iterations: 10)
            switch path {
            case .scalar, .portable, .neon:
                #expect(macs == nil, "\(path)")
            case .avx2, .avx512:
                #expect(macs == (path.isSupported ? 10 * 12 * (path == .avx512 && vnni512 ? 64 : 32) : nil), "\(path)")
            }
        }
    }

    @Test func lookupCeilingRunsWhereTheLookupKernelDoes() {
        for path in KernelPath.allCases {
            let macs = lookupCeiling(path: path, iterations: 10)
            #if arch(x86_64)
            #expect(macs == (LookupGemm.isUsed(path: path) ? 10 * 12 * 64 : nil), "\(path)")
            #else
            #expect(macs == nil, "\(path)")
            #endif
        }
        #expect(lookupCeiling(path: .avx2, iterations: 0) == (KernelPath.avx2.isSupported ? 0 : nil))
    }
}

/// Whether the zmm VNNI kernel runs here (the AVX-512 ceiling then counts zmm MACs).
private var vnni512: Bool {
    #if arch(x86_64)
    return MultiBitX86Kernel.avx512Vnni.isSupported
    #else
    return false
    #endif
}
