"""One module per LSP surface; each exposes `register(server)` with thin handlers."""
