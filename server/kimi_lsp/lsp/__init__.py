"""LSP glue shared by the feature handlers: protocol fixes, cancellation, progress,
documents and command arguments. The model layer and the task cores never import this."""
