// The host-only command-line layer (atomic files, progress, loaded models) on top
// of QVHost, the part that also builds for boards; importing QVCommandLine brings both.
@_exported import QVHost
