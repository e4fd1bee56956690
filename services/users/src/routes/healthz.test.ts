import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { pingEventsRedis } from "@msa-board/service-kit/events";
import { createDatabaseClient } from "../db/client.ts";
import type { RelayStatus } from "../events/outbox-relay.ts";
import { createTestEventsRedis } from "../test-support/events-redis.ts";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";

let redis: Awaited<ReturnType<typeof createTestEventsRedis>>;
const harnesses: Harness[] = [];
const running: RelayStatus = { state: "running", outageSince: null, lastError: null, publishedTotal: 3, failedAttemptsTotal: 0 };

beforeAll(async () => {
  redis = await createTestEventsRedis();
});
afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.close()));
  await redis?.close();
});

async function harness(options: Parameters<typeof createHarness>[0]) {
  const h = await createHarness({ prefix: "users_health", ...options });
  harnesses.push(h);
  return h;
}

describe("GET /healthz", () => {
  test("200 ok with every check when the database and the events Redis answer", async () => {
    const h = await harness({ eventsRedis: () => pingEventsRedis(redis.admin), relay: () => running });
    await h.signUp().then((u) => h.call("PATCH", "/user", { token: u.token, json: { name: "Pending" } }));
    const res = await h.call("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body.status).toBe("ok");
    expect(res.body.checks).toMatchObject({ database: "ok", eventsRedis: "ok", relay: { state: "running" } });
    expect(res.body.checks.outbox.backlog).toBe(1);
    expect(res.body.checks.outbox.oldestUnpublishedAgeMs).toBeGreaterThanOrEqual(0);
  });

  test("200 degraded (still serving) when the events Redis is down", async () => {
    const dead = await redis.open(redis.deadUrl);
    const h = await harness({
      eventsRedis: () => pingEventsRedis(dead),
      relay: () => ({ ...running, state: "retrying", outageSince: new Date().toISOString(), lastError: "The client is offline" }),
    });
    const res = await h.call("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("degraded");
    expect(res.body.checks).toMatchObject({ database: "ok", eventsRedis: "down", outbox: { backlog: 0, oldestUnpublishedAgeMs: null } });
    expect(res.body.checks.relay.state).toBe("retrying");
    // sign-up and login still work
    await h.signUp();
  });

  test("503 problem, with the checks, when the database does not answer", async () => {
    const deadDb = createDatabaseClient("postgres://users:users@127.0.0.1:1/users", { max: 1 });
    const h = await harness({ appDatabase: deadDb, eventsRedis: () => pingEventsRedis(redis.admin) });
    const res = await h.call("GET", "/healthz");
    expectProblem(res, 503, "unavailable");
    expect(res.body.checks).toMatchObject({ database: "down", eventsRedis: "ok", outbox: null });
    await deadDb.close();
  });

  test("a request needing the database while it is down is a 503 problem without internals, not a hang", async () => {
    const deadDb = createDatabaseClient("postgres://users:users@127.0.0.1:1/users", { max: 1 });
    const h = await harness({ appDatabase: deadDb });
    const res = await h.call("POST", "/users", { json: { email: h.uniqueEmail(), password: "password-1", name: "X" } });
    expectProblem(res, 503, "unavailable");
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.text).not.toContain("ECONNREFUSED");
    await deadDb.close();
  });
});

describe("GET /metrics", () => {
  test("Prometheus text with the outbox backlog and relay counters", async () => {
    const h = await harness({ relay: () => running });
    const res = await h.call("GET", "/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(res.text).toContain("# TYPE users_outbox_backlog gauge\nusers_outbox_backlog 0\n");
    expect(res.text).toContain("users_outbox_published_total 3\n");
    expect(res.text).toContain("users_outbox_relay_up 1\n");
    expect(res.text).toContain("# TYPE users_refresh_token_reuse_total counter\nusers_refresh_token_reuse_total 0\n");
    expect(res.text).toContain("# TYPE users_login_locked_total counter\nusers_login_locked_total 0\n");
  });
});
