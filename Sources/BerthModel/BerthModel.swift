// Module BerthModel: see docs/architecture.md.
