"""The tool-calling loop and the read-only tools the model may call.

| tool          | parameters                          | returns                                   |
|---------------|-------------------------------------|-------------------------------------------|
| `read_file`   | path, start_line?, end_line?        | the file's text (the editor's if open)    |
| `list_files`  | path?, pattern?                     | workspace-relative paths, one per line    |
| `search_text` | query, path?, regex?                | `relative/path:line: text` lines          |

Everything goes through `sandbox.Sandbox`: workspace folders only, no `..`, absolute
paths, `~` or symlinks out, a deny list, `.gitignore` respected, binaries refused. Tools
never write, execute or fetch anything. No LSP types in this package.
"""
