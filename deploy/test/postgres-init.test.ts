/**
 * compose's (and the dev overlay's) PostgreSQL init script, run by a real PostgreSQL on a
 * throw-away cluster exactly as the official image runs it (psql as the superuser, passwords from
 * the environment): one database per service, each role allowed into its own database only — the
 * isolation `npm start` sets up (stack/src/infra/postgres.ts). compose.monolith.yaml's script runs
 * on the same cluster: one database `monolith` whose role may create the modules' schemas in it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initCluster, type PostgresInstance, serverAccount, serverCommand } from "@msa-board/stack/infra/postgres";
import { freePort } from "@msa-board/stack/ports";
import { createToolContext, ensurePostgres } from "@msa-board/stack/tools";
import { fromRoot } from "../src/facts.ts";
import { exec } from "./support/exec.ts";

const passwords = {
  USERS_DB_PASSWORD: `u-${crypto.randomUUID()}`,
  POSTINGS_DB_PASSWORD: `p-${crypto.randomUUID()}`,
  MONOLITH_DB_PASSWORD: `m-${crypto.randomUUID()}`,
};
const PASSWORD_OF = { users: "USERS_DB_PASSWORD", postings: "POSTINGS_DB_PASSWORD", monolith: "MONOLITH_DB_PASSWORD" } as const;
let dir: string;
let server: ChildProcess | undefined;
let instance: PostgresInstance;
let psql: string;
type Result = { code: number; stdout: string; stderr: string };
let initResult: Result;
let monolithInitResult: Result;

beforeAll(async () => {
  const tools = await ensurePostgres(createToolContext());
  psql = join(tools.binDir, "psql");
  if (!(await Bun.file(psql).exists())) psql = Bun.which("psql") ?? psql;
  dir = mkdtempSync(join(tmpdir(), "msa-pg-init-"));
  instance = {
    dataDir: join(dir, "data"),
    port: await freePort(),
    superuser: "postgres",
    superuserPassword: `pg-${crypto.randomUUID()}`,
    settings: { fsync: "off" },
  };
  const account = serverAccount();
  initCluster(tools, instance, account);
  const [command, ...args] = serverCommand(tools, instance, account);
  server = spawn(command as string, args, { stdio: "ignore" });
  const ready = join(tools.binDir, "pg_isready");
  for (let i = 0; i < 100; i++) {
    if ((await exec([ready, "-h", "127.0.0.1", "-p", String(instance.port), "-q"])).code === 0) break;
    await Bun.sleep(100);
  }
  // What the image's entrypoint does with /docker-entrypoint-initdb.d/*.sh: run it with its env.
  const init = (...script: string[]) =>
    exec(["sh", fromRoot("deploy", "compose", ...script)], {
      env: {
        PATH: `${join(psql, "..")}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        POSTGRES_USER: instance.superuser,
        POSTGRES_DB: "postgres",
        PGHOST: "127.0.0.1",
        PGPORT: String(instance.port),
        PGPASSWORD: instance.superuserPassword,
        ...passwords,
      },
    });
  initResult = await init("postgres-init", "10-service-databases.sh");
  monolithInitResult = await init("postgres-init-monolith", "10-monolith-database.sh");
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once("exit", resolve));
    server.kill("SIGINT");
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const as = (role: keyof typeof PASSWORD_OF, database: string, sql = "select current_user") =>
  exec([psql, "--no-psqlrc", "-tAX", "-v", "ON_ERROR_STOP=1", "-c", sql, `postgresql://${role}@127.0.0.1:${instance.port}/${database}`], {
    env: { PGPASSWORD: passwords[PASSWORD_OF[role]], PGCONNECT_TIMEOUT: "5" },
  });

describe("deploy/compose/postgres-init/10-service-databases.sh on PostgreSQL", () => {
  test("runs cleanly", () => {
    expect(initResult.stderr).toBe("");
    expect(initResult.code).toBe(0);
  });

  describe.each(["users", "postings"] as const)("role %s", (role) => {
    const other = role === "users" ? "postings" : "users";

    test("logs in with its password to its own database, and owns it (creates tables)", async () => {
      const result = await as(role, role, "create table deploy_probe (id int); drop table deploy_probe; select current_user");
      expect(result.stderr).toBe("");
      expect(result.stdout.trim().split("\n").at(-1)).toBe(role);
    });

    test(`cannot connect to ${other}'s database, nor to the maintenance database`, async () => {
      for (const database of [other, "postgres"]) {
        const result = await as(role, database);
        expect(result.code).not.toBe(0);
        expect(result.stderr).toContain(`permission denied for database "${database}"`);
      }
    });
  });
});

describe("deploy/compose/postgres-init-monolith/10-monolith-database.sh on PostgreSQL", () => {
  test("runs cleanly", () => {
    expect(monolithInitResult.stderr).toBe("");
    expect(monolithInitResult.code).toBe(0);
  });

  test("role monolith logs in to its database and creates a schema per module in it, as the modules' migrations do", async () => {
    const result = await as(
      "monolith",
      "monolith",
      "create schema users; create table users.deploy_probe (id int); create schema postings; drop table users.deploy_probe; drop schema users; drop schema postings; select current_user",
    );
    expect(result.stderr).toBe("");
    expect(result.stdout.trim().split("\n").at(-1)).toBe("monolith");
  });

  test("cannot connect to the services' databases, nor to the maintenance database; they cannot connect to its", async () => {
    for (const database of ["users", "postings", "postgres"]) {
      const result = await as("monolith", database);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`permission denied for database "${database}"`);
    }
    const intruder = await as("users", "monolith");
    expect(intruder.stderr).toContain('permission denied for database "monolith"');
  });
});
