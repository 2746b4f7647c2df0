import Testing

/// The trainer's thread count (`Parallel.threads`) is process-wide, so suites that set it or
/// compare bits across runs live in here and run one test at a time, never beside each other.
@Suite(.serialized) enum SerialTrainerSuites {}
