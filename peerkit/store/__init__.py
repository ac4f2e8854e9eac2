"""The answer store: every revision of every learner's answers, kept private.

``peerkit.store.answer_store.AnswerStore`` is the API (save, read, export, erase);
the other modules hold the value rules, the schema and the SQLite specifics.
"""
