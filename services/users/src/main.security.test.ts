import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createTestDatabase, requireTestEnv, type TestDatabase } from "@msa-board/service-kit/test-support";
import postgres from "postgres";
import { DEV_ADMIN_PASSWORD } from "./config.ts";
import { migrateUsersDatabase } from "./db/migrations.ts";
import { freePort, startService, waitHealthy } from "./test-support/service-process.ts";

// Each test starts the service as a child process on a shared machine: 5 s is too tight.
setDefaultTimeout(30_000);

const ENCRYPTION_KEY = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
const serviceRoot = new URL("..", import.meta.url).pathname;

let database: TestDatabase;
let sql: postgres.Sql;
beforeAll(async () => {
  database = await createTestDatabase("users_main_sec");
  await migrateUsersDatabase(database.url);
  sql = postgres(database.url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await sql.end();
  await database.drop();
});

const baseEnv = () => ({ DATABASE_URL: database.url, EVENTS_REDIS_URL: requireTestEnv("TEST_EVENTS_REDIS_URL") });

async function rotateKeys(env: Record<string, string>) {
  const child = Bun.spawn([process.execPath, "run", "src/cli/rotate-keys.ts", "--publish-ahead-seconds=0"], {
    cwd: serviceRoot,
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: database.url, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const code = await child.exited;
  return { code, stdout: await new Response(child.stdout).text(), stderr: await new Response(child.stderr).text() };
}

describe("start-up refuses what would hand the system to an attacker", () => {
  test("ADMIN_EMAIL taken by a non-admin account: exits 1 with a clear message, promotes nobody, logs no secret", async () => {
    await sql`insert into users (email, name, password_hash) values ('squatter@example.com', 'Squatter', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g')`;
    const service = startService({
      ...baseEnv(),
      PORT: String(freePort()),
      ADMIN_EMAIL: "Squatter@example.com",
      ADMIN_PASSWORD: "admin-password-from-env",
    });
    expect(await service.exited()).toBe(1);
    const output = `${service.lines.join("\n")}\n${service.stderr}`;
    expect(output).toContain("ADMIN_EMAIL belongs to an existing account that is not an admin; refusing to promote it");
    expect(output).not.toContain("admin-password-from-env");
    expect(output).not.toContain("$argon2id");
    expect((await sql`select role from users where email = 'squatter@example.com'`).map((r) => r.role)).toEqual(["user"]);
  });

  test("NODE_ENV=production with the documented dev admin password: exits 1 naming ADMIN_PASSWORD (not its value)", async () => {
    const service = startService({
      ...baseEnv(),
      NODE_ENV: "production",
      ADMIN_EMAIL: "root@example.com",
      ADMIN_PASSWORD: DEV_ADMIN_PASSWORD,
      SIGNING_KEYS_ENCRYPTION_KEY: ENCRYPTION_KEY,
    });
    expect(await service.exited()).toBe(1);
    expect(service.stderr).toContain("ADMIN_PASSWORD: is the documented development default");
    expect(service.stderr).not.toContain(DEV_ADMIN_PASSWORD);
  });

  test("NODE_ENV=production without SIGNING_KEYS_ENCRYPTION_KEY: exits 1 naming it", async () => {
    const service = startService({
      ...baseEnv(),
      NODE_ENV: "production",
      ADMIN_EMAIL: "root@example.com",
      ADMIN_PASSWORD: "a-real-secret",
    });
    expect(await service.exited()).toBe(1);
    expect(service.stderr).toContain("SIGNING_KEYS_ENCRYPTION_KEY: required in production");
  });
});

describe("private signing keys at rest", () => {
  test("keys stored in plain are sealed at start once SIGNING_KEYS_ENCRYPTION_KEY is set; then rotate-keys never writes a plain key", async () => {
    // A database from before encryption was turned on: its key is plain JSON.
    const first = await rotateKeys({});
    expect(first.code).toBe(0);
    const encryptions = async () => new Set((await sql`select private_jwk_encryption as e from signing_keys`).map((r) => r.e));
    expect(await encryptions()).toEqual(new Set(["none"]));

    const port = freePort();
    const service = startService({
      ...baseEnv(),
      PORT: String(port),
      NODE_ENV: "production",
      ADMIN_EMAIL: "root@example.com",
      ADMIN_PASSWORD: "a-real-secret-password",
      SIGNING_KEYS_ENCRYPTION_KEY: ENCRYPTION_KEY,
    });
    try {
      await waitHealthy(`http://127.0.0.1:${port}`);
      const rows = await sql`select private_jwk, private_jwk_encryption from signing_keys`;
      expect(new Set(rows.map((r) => r.private_jwk_encryption))).toEqual(new Set(["A256GCM"]));
      for (const row of rows) expect(row.private_jwk).not.toContain('"d"');
      const login = await fetch(`http://127.0.0.1:${port}/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "root@example.com", password: "a-real-secret-password" }),
      });
      expect(login.status).toBe(200); // the sealed key still signs
    } finally {
      service.child.kill("SIGTERM");
    }
    expect(await service.exited()).toBe(0);
    expect(service.lines.some((line) => line.includes("sealed signing keys that were stored in plain"))).toBe(true);
    expect(service.lines.join("\n")).not.toContain(ENCRYPTION_KEY);

    // rotate-keys without the key: refused in production, and refused anywhere beside sealed keys.
    const production = await rotateKeys({ NODE_ENV: "production" });
    expect(production.code).toBe(1);
    expect(production.stderr).toContain("SIGNING_KEYS_ENCRYPTION_KEY");
    const forgotten = await rotateKeys({});
    expect(forgotten.code).toBe(1);
    expect(forgotten.stderr).toContain("refusing to store a new key in plain");
    // With the key it rotates, sealed.
    const sealed = await rotateKeys({ NODE_ENV: "production", SIGNING_KEYS_ENCRYPTION_KEY: ENCRYPTION_KEY });
    expect(sealed.code).toBe(0);
    expect(await encryptions()).toEqual(new Set(["A256GCM"]));
    expect(`${sealed.stdout}${sealed.stderr}`).not.toContain(ENCRYPTION_KEY);
  }, 60_000);
});
