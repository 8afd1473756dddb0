"""Login protection that cannot be turned against the user it protects.

A hard lock after N failures (what openimr did before #16) lets anyone lock out the admin by
typing wrong passwords. Instead, each failure beyond a few free ones doubles the wait before
the next try is even checked (OWASP Authentication Cheat Sheet, "login throttling"):

- per account *and address*: 5 free failures, then 2 s, 4 s, 8 s ... up to 15 minutes;
- per account from every address together: 20 free failures, then the same doubling — except
  for an address that has logged in as this user in the last 30 days, so the real user at
  their usual place is not kept out by someone hammering the account from elsewhere;
- per address over every account: 30 failures in 15 minutes and that address waits.

A try during a wait is refused unchecked and not counted, so waiting cannot be lengthened by
trying more; after the wait the right password works. Brute force is bounded: after the free
tries one guess per doubling wait, about 18 an hour per address at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from openimr.domain.account import LoginHistory


@dataclass(frozen=True)
class ThrottlePolicy:
    free_per_pair: int = 5
    free_per_account: int = 20
    first_wait_seconds: float = 2.0
    max_wait_seconds: float = 900.0
    address_failures: int = 30
    address_window: timedelta = timedelta(minutes=15)
    count_window: timedelta = timedelta(hours=1)  # failures older than this are forgotten
    known_for: timedelta = timedelta(days=30)


def backoff_seconds(failures: int, free: int, policy: ThrottlePolicy) -> float:
    """The wait after `failures` failures when `free` of them cost nothing."""
    if failures < free:
        return 0.0
    return min(policy.max_wait_seconds, policy.first_wait_seconds * 2.0 ** (failures - free))


def seconds_to_wait(history: LoginHistory, now: datetime, policy: ThrottlePolicy) -> float:
    """How long this try must wait before it is checked (0: check it now)."""
    waits = [0.0]

    def remaining(wait: float, since: datetime | None) -> float:
        return 0.0 if since is None else wait - (now - since).total_seconds()

    waits.append(
        remaining(
            backoff_seconds(history.pair_failures, policy.free_per_pair, policy),
            history.pair_last_failure,
        )
    )
    if not history.known_address:
        waits.append(
            remaining(
                backoff_seconds(history.account_failures, policy.free_per_account, policy),
                history.account_last_failure,
            )
        )
    if history.address_failures >= policy.address_failures:
        waits.append(
            remaining(policy.address_window.total_seconds(), history.address_first_failure)
        )
    return max(waits)
