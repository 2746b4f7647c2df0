import QVKernelsMath

/// The baseline instruction set (SSE2 on x86-64, NEON on ARM64): QVKernels' own copies of the
/// shared math, used by the scalar and portable paths.
enum BaselineISA: VectorISA {}

/// The shared row kernels compiled for the baseline ISA.
typealias BaselineKernels = Lanes16<BaselineISA>
