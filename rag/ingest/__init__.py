"""Ingest: files -> Article -> Chunk (load, clean, metadata, chunk), article collections (.jsonl, .csv)
read a row at a time, and the pipeline that embeds and stores them through the index."""
