"""The `rag` command line (typer): thin commands over `rag.service`."""
