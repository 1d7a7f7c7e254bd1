// Module BerthRuntime: see docs/architecture.md.
