"""Answer: what the question asks, the sentences that answer it, one answerer protocol (extractive or
LLM), citations checked against the passages, and the conversation that rewrites follow-ups."""
