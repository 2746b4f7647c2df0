/// Keeps the trainer's large buffers in the heap between steps. Every step allocates and frees
/// the same activation and gradient arrays; glibc serves blocks above its mmap threshold with
/// fresh mappings, so each step page-faults and the kernel zeroes them again (10 % of an FP32
/// step in `perf`: `clear_page_erms`). Raised to glibc's ceiling (32 MiB on 64-bit), with trimming
/// off, freed blocks are reused by the next step instead.
enum HeapReuse {
    /// Applies the setting (once per process; later calls do nothing).
    static func enable() { _ = applied }

    private static let applied: Bool = {
        // glibc's <malloc.h> (not in Swift's Glibc module): M_TRIM_THRESHOLD −1, M_MMAP_THRESHOLD −3.
        mallopt(-3, 32 << 20) == 1 && mallopt(-1, Int32.max) == 1
    }()
}

/// glibc's `int mallopt(int param, int value)`.
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
