// Module BerthNetwork: see docs/architecture.md.
