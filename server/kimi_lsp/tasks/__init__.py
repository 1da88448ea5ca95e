"""What the server does with the model, one module per task; no LSP types in here."""
