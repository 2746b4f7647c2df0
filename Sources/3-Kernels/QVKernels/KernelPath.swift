#if arch(x86_64)
import CQVKernelsX86
#elseif arch(arm64)
import CQVKernelsARM
#endif

/// Which implementation of a kernel runs. Every public kernel takes one, so that testers can
/// compare an optimised path against the reference on the same inputs, and the host picks the
/// fastest the CPU supports (`best`) unless told otherwise (`QV_ISA`).
///
/// Integer GEMMs, quantization and the float helpers give bit-identical results on every path;
/// `floatPanelGemm` may differ between paths by summation order and fusing only. A path whose ISA variant of a
/// kernel does not exist (yet) runs that kernel's portable implementation.
public enum KernelPath: String, Sendable, CaseIterable {
    /// The plain scalar reference: obviously correct, slow.
    case scalar
    /// Portable SIMD Swift (`SIMDn` types: SSE2 on baseline x86-64, NEON on ARM64).
    case portable
    /// x86-64 AVX2 + FMA + BMI2.
    case avx2
    /// x86-64 AVX-512 F/BW/VL/DQ, with VPOPCNTDQ and VNNI where the CPU has them.
    case avx512
    /// ARM64 NEON: 2-bit × 2-bit GEMMs on `mla` in 8-bit lanes (ARMv8.0, every ARM64 core), and
    /// where the CPU has the DotProd extension, 2-/8-bit GEMMs on `sdot`/`udot` instead.
    case neon

    /// Whether this CPU (and OS) can run the path.
    public var isSupported: Bool {
        switch self {
        case .scalar, .portable: return true
        #if arch(x86_64)
        case .avx2: return qv_x86_features() & UInt32(QV_X86_AVX2) != 0
        case .avx512: return qv_x86_features() & UInt32(QV_X86_AVX512) != 0
        case .neon: return false
        #elseif arch(arm64)
        case .avx2, .avx512: return false
        case .neon: return true
        #else
        case .avx2, .avx512, .neon: return false
        #endif
        }
    }

    /// Every path this CPU can run, slowest first.
    public static var supported: [KernelPath] { allCases.filter { $0.isSupported } }

    /// The fastest path this CPU can run.
    public static var best: KernelPath { supported.last ?? .portable }

    /// The path named `name` (as `QV_ISA` spells it), if this CPU can run it; nil for an
    /// unknown name or an unsupported path (the caller says which).
    public init?(supportedName name: String) {
        guard let path = KernelPath(rawValue: name), path.isSupported else { return nil }
        self = path
    }

    /// The path `QV_ISA` asks for (`value`, nil when unset: the best), or the one-line reason
    /// it cannot run here, listing the paths that can.
    public static func requested(by value: String?) -> Result<KernelPath, KernelPathRefusal> {
        guard let value else { return .success(.best) }
        if let path = KernelPath(supportedName: value) { return .success(path) }
        let names = supported.map { $0.rawValue }.joined(separator: ", ")
        return .failure(KernelPathRefusal(message: "QV_ISA=\(value) is not a kernel path this CPU runs; use one of: \(names)"))
    }
}

/// Why a requested kernel path cannot run: one line naming what can.
public struct KernelPathRefusal: Error {
    /// The line.
    public let message: String
}

/// The CPU's vector features, for reports (`qvc bench`): names of the x86 or ARM64 extensions qv uses.
public var cpuFeatureNames: [String] {
    #if arch(x86_64)
    let f = qv_x86_features()
    let names: [(UInt32, String)] = [
        (UInt32(QV_X86_POPCNT), "popcnt"), (UInt32(QV_X86_AVX2), "avx2"),
        (UInt32(QV_X86_AVX512), "avx512"), (UInt32(QV_X86_AVX512_VPOPCNTDQ), "avx512vpopcntdq"),
        (UInt32(QV_X86_AVX512_VNNI), "avx512vnni"), (UInt32(QV_X86_AVX_VNNI), "avxvnni"),
        (UInt32(QV_X86_AMX_INT8), "amx-int8"),
    ]
    #elseif arch(arm64)
    let f = qv_arm_features()
    let names: [(UInt32, String)] = [(UInt32(QV_ARM_DOTPROD), "dotprod")]
    #else
    let f: UInt32 = 0
    let names: [(UInt32, String)] = []
    #endif
    return names.filter { f & $0.0 != 0 }.map { $0.1 }
}
