import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createDatabaseClient } from "../db/client.ts";
import type { ConsumerStatus } from "../events/event-consumer.ts";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";

const status = (state: ConsumerStatus["state"]): ConsumerStatus => ({
  state,
  failedAttemptsTotal: 0,
  consumer: "test-consumer",
  outageSince: null,
  lastError: null,
  applied: 3,
  duplicates: 1,
  handlerFailures: 0,
  deadLettered: 2,
  reclaimed: 0,
});

describe("GET /healthz", () => {
  let h: Harness;
  let redisUp = true;
  let consumerState: ConsumerStatus["state"] = "running";
  beforeAll(async () => {
    h = await createHarness({
      prefix: "postings_health",
      health: {
        eventsRedis: async () => redisUp,
        consumerStats: async () => ({ lag: 4, pending: 1, deadLetters: 2 }),
        consumerStatus: () => status(consumerState),
      },
    });
  });
  afterAll(() => h?.close());

  test("200 ok with the consumer's lag, pending and dead letters when every store answers", async () => {
    redisUp = true;
    consumerState = "running";
    const res = await h.call("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body).toEqual({
      status: "ok",
      checks: { database: "ok", eventsRedis: "ok", consumer: { state: "running", lag: 4, pending: 1, deadLetters: 2 } },
    });
  });

  test("events Redis down: still 200, status degraded (reads and writes keep working)", async () => {
    redisUp = false;
    const res = await h.call("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("degraded");
    expect(res.body.checks).toMatchObject({
      database: "ok",
      eventsRedis: "down",
      consumer: { lag: null, pending: null, deadLetters: null },
    });
    const author = await h.user();
    expect((await h.call("POST", "/postings", { token: author.token, json: { title: "t", body: "b" } })).status).toBe(201);
    expect((await h.call("GET", "/postings")).status).toBe(200);
    redisUp = true;
  });

  test("a consumer retrying after a failure is degraded too", async () => {
    consumerState = "retrying";
    const res = await h.call("GET", "/healthz");
    expect(res.body.status).toBe("degraded");
    consumerState = "running";
  });

  test("/metrics has the consumer's counters and the group's gauges", async () => {
    const res = await h.call("GET", "/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/plain");
    expect(res.text).toContain("postings_events_applied_total 3");
    expect(res.text).toContain("postings_consumer_lag 4");
    expect(res.text).toContain("postings_dead_letters 2");
  });
});

describe("the database down", () => {
  let h: Harness;
  const dead = createDatabaseClient("postgres://postings:postings@127.0.0.1:9/postings", { max: 1 });
  beforeAll(async () => {
    h = await createHarness({ prefix: "postings_dbdown", appDatabase: dead });
  });
  afterAll(async () => {
    await dead?.close();
    await h?.close();
  });

  test("/healthz is a 503 problem that still lists the checks", async () => {
    const res = await h.call("GET", "/healthz");
    expectProblem(res, 503, "unavailable");
    expect(res.body.checks.database).toBe("down");
  });

  test("requests that need it are 503 problems, never a 500 with internals", async () => {
    const author = await h.user();
    for (const res of [
      await h.call("GET", "/postings"),
      await h.call("GET", `/postings/${crypto.randomUUID()}`),
      await h.call("POST", "/postings", { token: author.token, json: { title: "t", body: "b" } }),
    ]) {
      expectProblem(res, 503, "unavailable");
      expect(res.headers.get("retry-after")).toBe("1");
    }
  });
});
