"""Retrieve: question -> Hit, by meaning, by words, or both fused."""
