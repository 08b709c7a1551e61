"""Ingest: files -> Article -> Chunk (load, clean, metadata, chunk), and the pipeline that embeds and
stores them through the index."""
