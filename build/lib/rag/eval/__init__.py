"""Eval: gold sets, runs over a fresh index, metrics, and the reports `rag eval` writes."""
