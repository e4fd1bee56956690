import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestDatabase, requireTestEnv, type TestDatabase } from "@msa-board/service-kit/test-support";
import postgres from "postgres";
import { createTestEventsRedis, eventually } from "./test-support/events-redis.ts";
import { freePort, startService, waitHealthy } from "./test-support/service-process.ts";

const ADMIN = { ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "root-password-from-env" };

let database: TestDatabase;
let redis: Awaited<ReturnType<typeof createTestEventsRedis>>;
beforeAll(async () => {
  database = await createTestDatabase("users_main");
  redis = await createTestEventsRedis();
});
afterAll(async () => {
  await redis?.close();
  await database?.drop();
});

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("bun run src/main.ts", () => {
  test("refuses to start without ADMIN_EMAIL / ADMIN_PASSWORD, naming both", async () => {
    const service = startService({ DATABASE_URL: database.url });
    expect(await service.exited()).toBe(1);
    expect(service.stderr).toContain("ADMIN_EMAIL");
    expect(service.stderr).toContain("ADMIN_PASSWORD");
  });

  test("two instances starting together: one key, one admin; both serve, publish and verify each other's tokens; SIGTERM exits 0", async () => {
    const stream = redis.stream("main");
    const ports = [freePort(), freePort()];
    const env = (port: number) => ({
      ...ADMIN,
      PORT: String(port),
      DATABASE_URL: database.url,
      EVENTS_REDIS_URL: requireTestEnv("TEST_EVENTS_REDIS_URL"),
      OUTBOX_STREAM: stream,
    });
    const services = ports.map((port) => startService(env(port)));
    try {
      const [a, b] = ports.map((port) => `http://127.0.0.1:${port}`) as [string, string];
      await Promise.all([waitHealthy(a), waitHealthy(b)]);

      const sql = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        expect((await sql`select count(*)::int as n from signing_keys where retired_at is null`)[0]?.n).toBe(1);
        expect((await sql`select role from users where email = ${ADMIN.ADMIN_EMAIL}`).map((r) => r.role)).toEqual(["admin"]);
      } finally {
        await sql.end();
      }
      const jwksA = await (await fetch(`${a}/.well-known/jwks.json`)).json();
      const jwksB = await (await fetch(`${b}/.well-known/jwks.json`)).json();
      expect(jwksA).toEqual(jwksB);

      const email = `main-${Date.now()}@example.com`;
      expect((await fetch(`${a}/users`, json({ email, password: "process-password", name: "Proc" }))).status).toBe(201);
      const login = await (await fetch(`${a}/login`, json({ email, password: "process-password" }))).json();
      const patched = await fetch(`${b}/user`, {
        method: "PATCH",
        headers: { "content-type": "application/json", authorization: `Bearer ${login.accessToken}` },
        body: JSON.stringify({ name: "Proc Renamed" }),
      });
      expect(patched.status).toBe(200);
      const admin = await fetch(`${b}/login`, json({ email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD }));
      expect(admin.status).toBe(200);

      await eventually(async () => (await redis.entries(stream)).length === 1, 5_000);
      expect((await redis.entries(stream))[0]?.envelope).toMatchObject({ type: "user.updated", data: { name: "Proc Renamed" } });
      const health = await (await fetch(`${a}/healthz`)).json();
      expect(health).toMatchObject({ status: "ok", checks: { database: "ok", eventsRedis: "ok" } });
    } finally {
      for (const service of services) service.child.kill("SIGTERM");
    }
    const codes = await Promise.all(services.map((s) => s.exited()));
    expect(codes).toEqual([0, 0]);
    for (const service of services) {
      const records = service.lines.map((line) => JSON.parse(line));
      expect(records.every((r) => r.service === "users" && typeof r.time === "string" && typeof r.level === "string")).toBe(true);
      expect(records.map((r) => r.msg)).toContain("listening");
      expect(records.map((r) => r.msg)).toContain("stopped");
      const text = service.lines.join("\n");
      expect(text).not.toContain(ADMIN.ADMIN_PASSWORD);
      expect(text).not.toContain("process-password");
      expect(text).not.toContain("$argon2");
    }
  }, 60_000);

  test("starts and serves (degraded) while the events Redis is down; SIGTERM still exits 0 promptly", async () => {
    const port = freePort();
    const service = startService({ ...ADMIN, PORT: String(port), DATABASE_URL: database.url, EVENTS_REDIS_URL: "redis://127.0.0.1:1" });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitHealthy(base);
      const health = await (await fetch(`${base}/healthz`)).json();
      expect(health).toMatchObject({ status: "degraded", checks: { database: "ok", eventsRedis: "down" } });
      expect((await fetch(`${base}/login`, json({ email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD }))).status).toBe(200);
    } finally {
      service.child.kill("SIGTERM");
    }
    const started = performance.now();
    expect(await service.exited()).toBe(0);
    expect(performance.now() - started).toBeLessThan(5_000);
    const warnings = service.lines.map((l) => JSON.parse(l)).filter((r) => r.msg === "events Redis unreachable; reconnecting");
    expect(warnings).toHaveLength(1);
  }, 30_000);

  test("bun run src/cli/rotate-keys.ts rotates: a new key (at once, or by default 120 s after publication), the old one still published", async () => {
    const before = await (async () => {
      const sql = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        return (await sql`select kid from signing_keys where retired_at is null`)[0]?.kid as string | undefined;
      } finally {
        await sql.end();
      }
    })();
    const child = Bun.spawn([process.execPath, "run", "src/cli/rotate-keys.ts", "--publish-ahead-seconds=0"], {
      cwd: new URL("..", import.meta.url).pathname,
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: database.url },
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(await child.exited).toBe(0);
    const out = JSON.parse(await new Response(child.stdout).text());
    expect(out.msg).toBe("signing key rotated");
    if (before) expect(out.retiredKid).toBe(before);
    expect(out.activeKid).not.toBe(before);
    expect(out.published).toContain(out.activeKid);
    if (before) expect(out.published).toContain(before);
    expect(Math.abs(Date.parse(out.activatesAt) - Date.now())).toBeLessThan(10_000);

    const ahead = Bun.spawn([process.execPath, "run", "src/cli/rotate-keys.ts"], {
      cwd: new URL("..", import.meta.url).pathname,
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: database.url },
      stdout: "pipe",
    });
    expect(await ahead.exited).toBe(0);
    const later = JSON.parse(await new Response(ahead.stdout).text());
    const aheadMs = Date.parse(later.activatesAt) - Date.now();
    expect(aheadMs).toBeGreaterThan(110_000); // default: published 120 s before it signs
    expect(aheadMs).toBeLessThan(121_000);
    expect(later.retiredKid).toBe(out.activeKid);
    expect(later.published).toEqual(expect.arrayContaining([out.activeKid, later.activeKid]));
  });
});
