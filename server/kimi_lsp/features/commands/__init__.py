"""The body of each `kimi.*` command, one module per command; `features/execute_command.py`
registers them."""
