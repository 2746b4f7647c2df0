// The host-only command-line layer (atomic files, the Swift thread pool, progress, loaded
// models) on top of the part that also builds for boards.
@_exported import QVHost
