"""Ghost text: context windows, prompt, reuse (typing through, cache), post-processing.

No LSP types here: `features/inline_completion.py` and `features/completion.py` adapt.
"""
