import BerthRuntime

#if canImport(Glibc)
    import Glibc
#endif

// Per-container supervisor and exec helper; deliberately without Foundation (see BerthRuntime).
exit(SupervisorCommand.main(CommandLine.arguments))
