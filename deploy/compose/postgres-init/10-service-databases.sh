#!/bin/sh
# One database per service, each owned by its own login role that may connect to that database
# only — the layout `npm start` creates (stack/src/infra/postgres.ts). The official postgres image
# runs this once, on an empty data directory; the passwords come from the container's environment
# (compose: .env or its dev defaults; Kubernetes dev overlay: the generated postgres-credentials Secret).
set -eu
: "${USERS_DB_PASSWORD:?USERS_DB_PASSWORD must be set}"
: "${POSTINGS_DB_PASSWORD:?POSTINGS_DB_PASSWORD must be set}"

psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
  --set users_password="$USERS_DB_PASSWORD" --set postings_password="$POSTINGS_DB_PASSWORD" <<'SQL'
-- The maintenance database is the superuser's alone.
REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;

CREATE ROLE users LOGIN PASSWORD :'users_password';
CREATE DATABASE users OWNER users;
REVOKE ALL ON DATABASE users FROM PUBLIC;
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE users TO users;

CREATE ROLE postings LOGIN PASSWORD :'postings_password';
CREATE DATABASE postings OWNER postings;
REVOKE ALL ON DATABASE postings FROM PUBLIC;
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE postings TO postings;
SQL
