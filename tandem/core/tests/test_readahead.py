"""read_ahead: the same items in the same order, errors where they belong, no leaks."""

import threading

import pytest

from tandem.core.readahead import read_ahead


def test_items_arrive_in_order_and_the_producer_runs_in_another_thread():
    threads = set()

    def produce():
        for n in range(100):
            threads.add(threading.current_thread().name)
            yield n

    assert list(read_ahead(produce(), depth=3)) == list(range(100))
    assert threads == {"read-ahead"}


def test_an_error_in_the_producer_is_raised_to_the_consumer_after_the_good_items():
    def produce():
        yield 1
        yield 2
        raise ValueError("line 3 is not UTF-8")

    seen = []
    with pytest.raises(ValueError, match="line 3"):
        for item in read_ahead(produce()):
            seen.append(item)
    assert seen == [1, 2]


def test_a_consumer_that_stops_early_stops_the_producer():
    produced = []

    def produce():
        for n in range(10_000):
            produced.append(n)
            yield n

    before = threading.active_count()
    for item in read_ahead(produce(), depth=2):
        if item == 5:
            break
    assert not any(t.name == "read-ahead" for t in threading.enumerate())
    assert len(produced) < 20 and threading.active_count() == before
