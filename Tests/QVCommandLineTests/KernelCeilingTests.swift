// The bench-only ceiling loops of `qvc bench --kernels` (moved here from QVKernelsTests with the
// loops themselves, out of the runtime core): they report exactly the work they ran.
import Testing
import QVBenchCeilings
import QVKernels

@Suite struct KernelCeilingTests {
    @Test func everyWayToCountBitsReportsTheWorkItDid() {
        for path in KernelPath.allCases {
            let methods = bitCountingMethods(path: path)
            #expect(!methods.isEmpty, "\(path)")
            for method in methods {
                let none = method.run(iterations: 0)
                let one = method.run(iterations: 1)
                let three = method.run(iterations: 3)
                #expect(none.multiplyAccumulates == 0 && none.checksum == 0, "\(path) \(method.name)")
                #expect(one.multiplyAccumulates > 0 && three.multiplyAccumulates == 3 * one.multiplyAccumulates, "\(path) \(method.name)")
                #expect(one.checksum > 0 && three.checksum > one.checksum, "\(path) \(method.name)")
                #expect(method.run(iterations: 3).checksum == three.checksum, "\(path) \(method.name)")
            }
        }
        #if arch(x86_64)
        // AVX2 counts bits four ways (five loops: the mixed one at three proportions).
        #expect(bitCountingMethods(path: .avx2).count == (KernelPath.avx2.isSupported ? 6 : 1))
        #endif
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
