"""The gate that keeps a shared Chroma client open while any thread is reading through it."""

import threading
import time

import pytest

from rag.index.gate import Gate


def test_closing_waits_for_the_reader_inside_and_holds_new_readers_back():
    gate, events = Gate(), []
    inside, closing_started = threading.Event(), threading.Event()

    def reader():
        with gate.reading():
            inside.set()
            closing_started.wait()
            time.sleep(0.1)
            events.append("first read done")

    def closer():
        inside.wait()
        closing_started.set()
        with gate.exclusive():
            events.append("closed")

    def late_reader():
        closing_started.wait()
        time.sleep(0.05)  # arrives while the closer waits
        with gate.reading():
            events.append("late read")

    threads = [threading.Thread(target=f) for f in (reader, closer, late_reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert events == ["first read done", "closed", "late read"]


def test_reading_is_reentrant_and_closing_inside_a_read_is_refused():
    gate = Gate()
    with gate.reading():
        with gate.reading():
            pass
        with pytest.raises(RuntimeError, match="inside a read"):
            with gate.exclusive():
                pass
    with gate.exclusive():  # all reads left: closing goes ahead
        pass
