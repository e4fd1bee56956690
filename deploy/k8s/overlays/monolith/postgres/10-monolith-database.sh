#!/bin/sh
# GENERATED from deploy/compose/postgres-init-monolith/10-monolith-database.sh by `bun run sync` in deploy/ (verbatim). Do not edit: change deploy/compose/postgres-init-monolith/10-monolith-database.sh.
# The monolith shape's one database, `monolith`, owned by its own login role that may connect to it
# only — the layout `npm start -- --shape monolith` creates (stack/src/stack.ts). Each module then
# migrates its own schema into it (users, postings). The official postgres image runs this once, on
# an empty data directory; the password comes from the container's environment (compose.monolith.yaml:
# .env or its dev default).
set -eu
: "${MONOLITH_DB_PASSWORD:?MONOLITH_DB_PASSWORD must be set}"

psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
  --set monolith_password="$MONOLITH_DB_PASSWORD" <<'SQL'
-- The maintenance database is the superuser's alone.
REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;

CREATE ROLE monolith LOGIN PASSWORD :'monolith_password';
CREATE DATABASE monolith OWNER monolith;
REVOKE ALL ON DATABASE monolith FROM PUBLIC;
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE monolith TO monolith;
SQL
