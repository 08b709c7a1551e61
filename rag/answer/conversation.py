"""Conversation: history, and follow-ups rewritten into standalone questions before retrieval."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

from rag.answer.followup import is_follow_up, rewrite
from rag.records import Answer, final

Rewriter = Callable[[str, list[str]], str]


CONDENSE = ("Rewrite the follow-up question as one standalone question that can be understood without the "
            "conversation. Reply with the question only.\n\nEarlier questions:\n{history}\n\nFollow-up: {question}\n"
            "Standalone question:")


def llm_rewriter(backend) -> Rewriter:
    """Rewrite follow-ups with the LLM; fall back to the deterministic rewrite if it fails or rambles."""

    def run(question: str, previous: list[str]) -> str:
        if not previous or not is_follow_up(question):
            return question
        try:
            prompt = CONDENSE.format(history="\n".join(previous[-3:]), question=question)
            text = backend.llm.complete(prompt).text.strip().splitlines()[0].strip()
        except Exception:  # any backend failure: the deterministic rewrite still works
            return rewrite(question, previous)
        return text if 3 <= len(text.split()) <= 60 and text.endswith("?") else rewrite(question, previous)

    return run


@dataclass
class Conversation:
    """What the terminal chat and the web chat hold per user: the turns so far."""

    stream_answer: Callable[[str], Iterator[str | Answer]]  # one standalone question's answer
    rewriter: Rewriter = rewrite
    turns: list[Answer] = field(default_factory=list)

    def stream(self, question: str) -> Iterator[str | Answer]:
        """Text as it is written, then the Answer (recorded in `turns`), in the context of earlier turns."""
        previous = [t.rewritten or t.question for t in self.turns]
        standalone = self.rewriter(question, previous)
        for event in self.stream_answer(standalone):
            if isinstance(event, Answer):
                event = replace(event, question=question, rewritten=standalone if standalone != question else None)
                self.turns.append(replace(event, hits=()))  # a turn is kept for its text and citations, not its passages
            yield event

    def send(self, question: str) -> Answer:
        """Answer `question` in the context of the earlier turns."""
        return final(self.stream(question))

