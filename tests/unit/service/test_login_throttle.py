"""The login throttle's arithmetic: doubling waits, never a lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from openimr.domain.account import LoginHistory
from openimr.service.login_throttle import ThrottlePolicy, backoff_seconds, seconds_to_wait

POLICY = ThrottlePolicy()
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def history(**overrides: object) -> LoginHistory:
    values: dict[str, object] = {
        "account_failures": 0,
        "account_last_failure": None,
        "pair_failures": 0,
        "pair_last_failure": None,
        "address_failures": 0,
        "address_first_failure": None,
        "known_address": False,
    }
    return LoginHistory(**{**values, **overrides})  # type: ignore[arg-type]


def test_the_wait_doubles_after_the_free_tries_up_to_a_ceiling() -> None:
    waits = [backoff_seconds(n, 5, POLICY) for n in range(4, 16)]
    assert waits[:5] == [0, 2, 4, 8, 16]
    assert max(waits) == POLICY.max_wait_seconds == 900


def test_the_wait_counts_from_the_last_failure() -> None:
    just = history(pair_failures=6, pair_last_failure=NOW - timedelta(seconds=1))
    assert seconds_to_wait(just, NOW, POLICY) == 3  # 4 s after the sixth failure, 1 s gone
    later = history(pair_failures=6, pair_last_failure=NOW - timedelta(seconds=5))
    assert seconds_to_wait(later, NOW, POLICY) <= 0


def test_a_known_address_skips_the_accounts_wait_but_not_its_own() -> None:
    attacked = {"account_failures": 40, "account_last_failure": NOW}
    assert seconds_to_wait(history(**attacked), NOW, POLICY) == 900
    assert seconds_to_wait(history(**attacked, known_address=True), NOW, POLICY) <= 0
    own = history(**attacked, known_address=True, pair_failures=5, pair_last_failure=NOW)
    assert seconds_to_wait(own, NOW, POLICY) == 2


def test_an_address_spraying_many_accounts_waits_out_its_window() -> None:
    spray = history(address_failures=30, address_first_failure=NOW - timedelta(minutes=5))
    assert seconds_to_wait(spray, NOW, POLICY) == 600
