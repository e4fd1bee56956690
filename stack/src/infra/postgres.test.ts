import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { freePort } from "../ports.ts";
import { commandHealth } from "../supervisor/health.ts";
import { ManagedProcess } from "../supervisor/managed-process.ts";
import { ProcessOutput } from "../supervisor/output.ts";
import { createToolContext } from "../tools/context.ts";
import { ensurePostgres } from "../tools/postgres.ts";
import { ensureServiceDatabases, initCluster, type PostgresInstance, roleUrl, serverAccount, serverCommand } from "./postgres.ts";

const dir = mkdtempSync(join(tmpdir(), "msa-board-pg-test-"));
let server: ManagedProcess;
let instance: PostgresInstance;

beforeAll(async () => {
  const tools = await ensurePostgres(createToolContext());
  instance = {
    dataDir: join(dir, "pg"),
    port: await freePort(),
    superuser: "postgres",
    superuserPassword: "secret-su",
    settings: { fsync: "off" },
  };
  const account = serverAccount();
  initCluster(tools, instance, account);
  server = new ManagedProcess(
    {
      name: "postgres",
      command: serverCommand(tools, instance, account),
      health: commandHealth([join(tools.binDir, "pg_isready"), "-h", "127.0.0.1", "-p", String(instance.port), "-q"]),
      address: `127.0.0.1:${instance.port}`,
      stopSignal: "SIGINT",
      supervise: true,
    },
    new ProcessOutput("postgres", join(dir, "postgres.log"), false, 0),
  );
  await server.start();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("PostgreSQL for the stack", () => {
  const roles = [
    { database: "users", role: "users", password: "users-pw" },
    { database: "postings", role: "postings", password: "postings-pw" },
  ];

  test("each service role reaches its own database and not the other's", async () => {
    await ensureServiceDatabases(instance, roles);
    await ensureServiceDatabases(instance, roles); // idempotent on a second start
    const users = postgres(roleUrl(instance, roles[0] as (typeof roles)[0]), { max: 1, onnotice: () => {} });
    expect((await users`select current_user as u`)[0]?.u).toBe("users");
    await users.end();
    const intruder = postgres(`postgres://users:users-pw@127.0.0.1:${instance.port}/postings`, { max: 1, onnotice: () => {} });
    // postgres.js queries run when awaited; bun's `rejects` does not call their `then`.
    await expect((async () => await intruder`select 1`)()).rejects.toThrow(/permission denied/);
    await intruder.end();
  });

  test("a wrong password is refused (scram over TCP, no trust)", async () => {
    const sql = postgres(`postgres://users:wrong@127.0.0.1:${instance.port}/users`, { max: 1, onnotice: () => {} });
    await expect((async () => await sql`select 1`)()).rejects.toThrow(/password authentication failed/);
    await sql.end();
  });

  test("the supervisor restarts a killed server and data survives", async () => {
    const sql = postgres(roleUrl(instance, roles[0] as (typeof roles)[0]), { max: 1, onnotice: () => {} });
    await sql`create table if not exists survivor (v int)`;
    await sql`insert into survivor values (42)`;
    await sql.end();
    const before = server.pid;
    expect(server.kill("SIGKILL")).toBe(true);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(server.pid && server.pid !== before && (await server.healthy()))) await Bun.sleep(200);
    expect(server.restarts).toBe(1);
    expect(await server.healthy()).toBe(true);
    const again = postgres(roleUrl(instance, roles[0] as (typeof roles)[0]), { max: 1, onnotice: () => {} });
    expect((await again`select v from survivor`)[0]?.v).toBe(42);
    await again.end();
  }, 40_000);
});
