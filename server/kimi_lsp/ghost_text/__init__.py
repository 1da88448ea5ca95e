"""Ghost text: context windows, prompt, reuse (typing through, cache), post-processing, the
rate-limit pause, and the engine that runs one request (`engine.py`).

No LSP types here except in `requests.py`, what `features/inline_completion.py` and
`features/completion.py` share: the query for a cursor, one request per document at a
time, failures told once.
"""
