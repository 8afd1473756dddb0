"""The audit log on a real database (SQLite and PostgreSQL): append-only below the
application, and every attack of the probe detected by `openimr audit verify`.

The attacker here has the database — enough to drop the SQLite triggers or, on PostgreSQL,
`SET session_replication_role = replica` (the bypass the probe used) — but not the HMAC key
or the checkpoint directory, except where a test says it holds the key too. Before #16 the
truncated tail, the re-hashed history and the replaced chain all passed `audit verify`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from openimr.cli import app
from openimr.domain.audit import GENESIS_HASH, AuditKey, AuditKeyRing, entry_hash, seal
from openimr.service.bootstrap import Services, audit_keys, bootstrap, verify_audit_log
from openimr.settings import Settings
from openimr.store.migrate import upgrade
from openimr.store.tables import AuditEntryRow
from tests.factories import T0

ENTRIES = 6


@dataclass
class Log:
    services: Services
    settings: Settings
    env: dict[str, str]

    def verify(self, *extra: str) -> tuple[int, str]:
        result = CliRunner().invoke(
            app,
            ["audit", "verify", "--database-url", self.services.database_url, *extra],
            env=self.env,
        )
        return result.exit_code, result.output

    def checkpoint(self) -> str:
        result = CliRunner().invoke(
            app, ["audit", "checkpoint", "--database-url", self.services.database_url], env=self.env
        )
        assert result.exit_code == 0, result.output
        return result.stdout


def append(services: Services, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with services.uow() as uow:
            uow.audit.append(
                "CaseRead", actor="staff:1", at=T0, case_number="CM15-0000001", data={"n": i}
            )
            uow.commit()


@pytest.fixture
def log(database_url: str, tmp_path: Path) -> Iterator[Log]:
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data")
    services = bootstrap(database_url, audit_keys=audit_keys(settings))
    append(services, ENTRIES)
    yield Log(services, settings, {"OPENIMR_DATA_DIR": str(settings.data_dir)})
    services.close()


def tamper(services: Services, *statements: str, **params: object) -> None:
    """Go around the append-only triggers, as someone with the database could."""
    with services.engine.begin() as conn:
        if services.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        else:
            # The probe's bypass: replica mode skips ordinary triggers.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        for statement in statements:
            conn.execute(text(statement), params)


def rows(services: Services) -> list[dict[str, object]]:
    table = AuditEntryRow.__table__
    with services.engine.connect() as conn:  # typed values (SQLite's text dates parsed)
        result = conn.execute(select(table).order_by(table.c.seq))
        return [dict(r._mapping) for r in result]


def rewrite(
    services: Services, keys: AuditKeyRing | None, change_seq: int, **change: object
) -> None:
    """Change entry `change_seq` and recompute its hash and every later one (with `keys`, or
    plain SHA-256 when None), writing them back over the triggers."""
    entries = rows(services)
    prev = GENESIS_HASH
    updates = []
    for row in entries:
        if row["seq"] == change_seq:
            row.update(change)
        if row["seq"] >= change_seq:
            args = (
                prev,
                row["seq"],
                row["at"],
                row["actor"],
                row["action"],
                row["case_number"],
                row["data"],
            )
            if keys is None:
                row["entry_hash"], row["key_id"] = entry_hash(*args), row["key_id"]  # type: ignore[arg-type]
            else:
                sealed = seal(keys, *args)  # type: ignore[arg-type]
                row["entry_hash"], row["key_id"] = sealed.entry_hash, sealed.key_id
            row["prev_hash"] = prev
            updates.append(row)
        prev = str(row["entry_hash"])
    with services.engine.begin() as conn:
        if services.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        else:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        # Hashes are unique: clear them first so the rewrite can go in any order.
        conn.execute(
            text("UPDATE audit_log SET entry_hash = 'x' || seq WHERE seq >= :s"), {"s": change_seq}
        )
        for row in updates:
            conn.execute(
                text(
                    "UPDATE audit_log SET actor = :actor, data = :data, prev_hash = :prev_hash, "
                    "entry_hash = :entry_hash, key_id = :key_id WHERE seq = :seq"
                ),
                row,
            )


# -- below the application -----------------------------------------------------------


def test_the_database_refuses_to_update_an_audit_entry(log: Log) -> None:
    with pytest.raises(DBAPIError, match="append-only"), log.services.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'admin:mallory' WHERE seq = 2"))


def test_the_database_refuses_to_delete_an_audit_entry(log: Log) -> None:
    with pytest.raises(DBAPIError, match="append-only"), log.services.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 4"))


def test_entries_are_sealed_with_a_key_the_database_does_not_hold(log: Log) -> None:
    key = log.settings.audit_key_path.read_text().strip()
    assert key and not str(log.settings.audit_key_path).startswith(str(log.services.database_url))
    dumped = " ".join(str(v) for r in rows(log.services) for v in r.values())
    assert key not in dumped
    assert {r["key_id"] for r in rows(log.services)} == {log.services.audit_keys.current.key_id}


# -- the attacks, each detected ------------------------------------------------------------


def test_verify_passes_on_an_untouched_log_and_a_checkpoint(log: Log) -> None:
    note = log.checkpoint()
    assert note.splitlines()[:2] == ["openimr audit log", str(ENTRIES)]
    assert note.splitlines()[5].startswith("\u2014 openimr-audit-log ")
    code, output = log.verify()
    assert code == 0, output
    assert f"{ENTRIES} entries" in output and "1 signed checkpoint" in output


def test_a_changed_middle_row_is_named(log: Log) -> None:
    tamper(log.services, "UPDATE audit_log SET data = :d WHERE seq = 3", d='{"n":7}')
    assert verify_audit_log(log.services).first_broken_seq == 3
    code, output = log.verify()
    assert code == 1 and "entry 3" in output


def test_a_deleted_middle_row_is_named(log: Log) -> None:
    tamper(log.services, "DELETE FROM audit_log WHERE seq = 2")
    assert verify_audit_log(log.services).first_broken_seq == 3


def test_a_truncated_tail_is_detected_against_the_checkpoint(log: Log) -> None:
    # (was undetected) the last rows deleted left a chain that verified
    log.checkpoint()
    tamper(log.services, f"DELETE FROM audit_log WHERE seq > {ENTRIES - 2}")
    code, output = log.verify()
    assert code == 1
    assert "truncated tail" in output and f"entries {ENTRIES - 1}-{ENTRIES}" in output


def test_history_rewritten_without_the_key_is_detected(log: Log) -> None:
    # (was undetected) a row changed with every later hash recomputed
    rewrite(log.services, None, 3, actor="admin:mallory")
    code, output = log.verify()
    assert code == 1 and "entry 3" in output
    guessed = AuditKeyRing((AuditKey.of(b"guess" * 8),))
    rewrite(log.services, guessed, 3, actor="admin:mallory")
    code, output = log.verify()
    assert code == 1 and "entry 3" in output


def test_history_rewritten_with_the_key_is_detected_against_the_checkpoint(log: Log) -> None:
    log.checkpoint()
    rewrite(log.services, log.services.audit_keys, 2, actor="admin:mallory")
    assert verify_audit_log(log.services).ok  # the chain alone cannot tell: the key was used
    code, output = log.verify()
    assert code == 1 and f"entry {ENTRIES}" in output and "rewritten or replaced" in output


def test_a_replaced_chain_is_detected_against_the_checkpoint(log: Log) -> None:
    log.checkpoint()
    tamper(log.services, "DELETE FROM audit_log")
    append(log.services, ENTRIES + 3, start=100)  # a fresh, well-sealed log
    assert verify_audit_log(log.services).ok
    code, output = log.verify()
    assert code == 1 and "rewritten or replaced" in output


def test_a_forged_or_foreign_checkpoint_is_reported(log: Log) -> None:
    log.checkpoint()
    folder = log.settings.audit_checkpoint_path
    (name,) = [p for p in folder.iterdir() if p.suffix == ".checkpoint"]
    forged = folder / ("99999999T000000000000Z-000000000099.checkpoint")
    forged.write_text(name.read_text().replace(f"\n{ENTRIES}\n", "\n99\n"))
    code, output = log.verify()
    assert code == 1 and "does not hold" in output


def test_checkpoints_accumulate_and_later_ones_cover_more(log: Log) -> None:
    log.checkpoint()
    append(log.services, 2, start=50)
    log.checkpoint()
    code, output = log.verify()
    assert code == 0, output
    assert "2 signed checkpoint" in output and f"latest of {ENTRIES + 2} entries" in output


def test_an_auditor_verifies_with_the_public_key_only(log: Log, tmp_path: Path) -> None:
    log.checkpoint()
    public = CliRunner().invoke(app, ["audit", "public-key"], env=log.env)
    assert public.exit_code == 0 and "BEGIN PUBLIC KEY" in public.stdout
    pem = tmp_path / "auditor.pub"
    pem.write_text(public.stdout)
    code, output = log.verify("--public-key", str(pem))
    assert code == 0, output
    other = tmp_path / "other.pub"
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    other.write_bytes(
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    code, output = log.verify("--public-key", str(other))
    assert code == 1 and "no signature" in output


def test_verify_without_the_key_file_says_where_it_looked(log: Log, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["audit", "verify", "--database-url", log.services.database_url],
        env={"OPENIMR_DATA_DIR": str(tmp_path / "elsewhere")},
    )
    assert result.exit_code == 2 and "no audit key file" in result.output


def test_audit_verify_on_an_empty_database_says_to_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    env = {"OPENIMR_DATA_DIR": str(tmp_path / "d")}
    audit_keys(Settings(data_dir=tmp_path / "d"))  # the app makes the key file; make it here
    result = CliRunner().invoke(app, ["audit", "verify", "--database-url", url], env=env)
    assert result.exit_code == 2
    assert "openimr db upgrade" in result.output


def test_db_upgrade_command_creates_the_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = CliRunner().invoke(app, ["db", "upgrade", "--database-url", url])
    assert result.exit_code == 0, result.output
    services = bootstrap(url, migrate=False)
    try:
        assert verify_audit_log(services).entries == 0
    finally:
        services.close()


# -- an existing, unkeyed chain migrated by Alembic ------------------------------------------


def test_an_unkeyed_chain_is_migrated_and_stays_tamper_evident(
    database_url: str, tmp_path: Path
) -> None:
    upgrade(database_url, "0003_filed_by")
    services = bootstrap(database_url, migrate=False)
    prev = GENESIS_HASH
    with services.engine.begin() as conn:
        for seq in range(1, 4):
            at = T0 + timedelta(minutes=seq)
            data = f'{{"n":{seq}}}'
            digest = entry_hash(prev, seq, at, "staff:1", "CaseRead", None, data)
            conn.execute(
                text(
                    "INSERT INTO audit_log (seq, at, actor, action, case_number, data, "
                    "prev_hash, entry_hash) VALUES (:seq, :at, 'staff:1', 'CaseRead', NULL, "
                    ":data, :prev, :digest)"
                ),
                {"seq": seq, "at": at, "data": data, "prev": prev, "digest": digest},
            )
            prev = digest
    services.close()
    upgrade(database_url)  # 0004_audit_keys
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data")
    services = bootstrap(database_url, migrate=False, audit_keys=audit_keys(settings))
    try:
        append(services, 2, start=10)
        keyed = [r["key_id"] for r in rows(services)]
        assert keyed[:3] == ["", "", ""] and all(keyed[3:])
        assert verify_audit_log(services).ok
        rewrite(services, None, 1, actor="admin:mallory")  # re-hash the legacy part only
        report = verify_audit_log(services)
        assert report.first_broken_seq is not None and report.first_broken_seq <= 4
    finally:
        services.close()


def test_the_worker_writes_checkpoints_on_its_own(log: Log) -> None:
    from openimr.service.jobs import build_job_queue

    settings = Settings(
        database_url=log.services.database_url, data_dir=log.settings.data_dir, environment="test"
    )
    queue = build_job_queue(settings, log.services)
    assert any("audit_checkpoint" in str(t) for t in queue.huey._registry._periodic_tasks)
    job_id = queue.enqueue("audit_checkpoint")
    assert queue.run(job_id).status == "done"
    code, output = log.verify()
    assert code == 0 and "1 signed checkpoint" in output
