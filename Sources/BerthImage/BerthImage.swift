// Module BerthImage: see docs/architecture.md.
