"""The SQLite writer lock of the web service: one holder at a time, first come first served."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from openimr.runtime.writer_lock import WriterLock


def test_one_holder_at_a_time_and_waiters_served_in_arrival_order(tmp_path: Path) -> None:
    lock = WriterLock(tmp_path / "db.writer-lock")
    inside = 0
    overlaps = 0
    order: list[int] = []
    lock.acquire()  # hold it while the others line up

    def worker(n: int) -> None:
        nonlocal inside, overlaps
        lock.acquire()
        try:
            inside += 1
            overlaps += inside > 1
            order.append(n)
            time.sleep(0.001)
            inside -= 1
        finally:
            lock.release()

    threads = []
    for n in range(20):
        thread = threading.Thread(target=worker, args=(n,))
        thread.start()
        threads.append(thread)
        time.sleep(0.005)  # arrive one after another
    lock.release()
    for thread in threads:
        thread.join(timeout=10)
    assert overlaps == 0
    assert order == list(range(20))


def test_the_owner_may_take_it_again(tmp_path: Path) -> None:
    lock = WriterLock(None)
    lock.acquire()
    lock.acquire()
    lock.release()
    lock.release()
    done = threading.Event()
    threading.Thread(target=lambda: (lock.acquire(), lock.release(), done.set())).start()
    assert done.wait(5)
