"""PostgreSQL roles for production: the application may append to the audit log, never
change, delete or truncate it, and cannot alter its table or switch its triggers off.

The owner role owns the tables and runs `openimr db upgrade`; the application role logs in
for `openimr serve` with plain read/write rights. Not being the owner, it cannot `ALTER TABLE
audit_log DISABLE TRIGGER` or drop a trigger; not being a superuser (and never granted the
parameter), it cannot `SET session_replication_role = replica`, the switch that skips
triggers. SECURITY.md's checklist runs this SQL; a test runs it on PostgreSQL and tries every
one of those bypasses as the application role.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _ident(name: str, what: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"{what} {name!r} is not a plain PostgreSQL name ([a-z_][a-z0-9_]*)")
    return name


def app_role_sql(app_role: str, owner_role: str, schema: str = "public") -> str:
    """The statements (run as a superuser, after `openimr db upgrade`) that give the tables
    to `owner_role` and `app_role` only the rights the service needs."""
    app = _ident(app_role, "app role")
    owner = _ident(owner_role, "owner role")
    sch = _ident(schema, "schema")
    return f"""\
-- openimr: least-privilege roles (run as a superuser after `openimr db upgrade`).
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{owner}') THEN
    CREATE ROLE {owner} NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{app}') THEN
    CREATE ROLE {app} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
END $$;
ALTER SCHEMA {sch} OWNER TO {owner};
DO $$ DECLARE t record; BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = '{sch}' LOOP
    EXECUTE 'ALTER TABLE {sch}.' || quote_ident(t.tablename) || ' OWNER TO {owner}';
  END LOOP;
  FOR t IN SELECT sequencename FROM pg_sequences WHERE schemaname = '{sch}' LOOP
    EXECUTE 'ALTER SEQUENCE {sch}.' || quote_ident(t.sequencename) || ' OWNER TO {owner}';
  END LOOP;
END $$;
ALTER FUNCTION {sch}.audit_log_refuse_change() OWNER TO {owner};
REVOKE ALL ON SCHEMA {sch} FROM PUBLIC;
GRANT USAGE ON SCHEMA {sch} TO {app};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {sch} TO {app};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {sch} TO {app};
-- The audit log: read and append, nothing else.
REVOKE ALL ON {sch}.audit_log FROM {app};
GRANT SELECT, INSERT ON {sch}.audit_log TO {app};
-- Migrations stay the owner's.
REVOKE INSERT, UPDATE, DELETE ON {sch}.alembic_version FROM {app};
"""
