"""talkbot's retrieval engine: cleaning, passages, embeddings, FAISS, search, answers, dates.

Knows nothing about Discord; the CLI and the Discord cogs in ``bot/`` are thin front doors
onto :class:`index.engine.Engine`.
"""
