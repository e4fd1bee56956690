import { describe, expect, test } from "bun:test";
import { OpenAPIHono } from "@hono/zod-openapi";
import { Liveness } from "./liveness.ts";
import { registerLivez } from "./livez-route.ts";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("Liveness", () => {
  test("a loop that keeps finishing steps is live; one past its bound is stuck", () => {
    const c = clock();
    const liveness = new Liveness(c.now);
    const relay = liveness.register("outbox relay", 1_000);
    liveness.register("event consumer", 1_000);
    c.advance(900);
    relay.progress();
    expect(liveness.report().live).toBe(true);
    c.advance(200); // the consumer's first step has now run 1.1 s
    const report = liveness.report();
    expect(report.live).toBe(false);
    expect(report.loops["event consumer"]).toMatchObject({ stuck: true, sinceProgressMs: 1_100, overdueMs: 100 });
    expect(report.loops["outbox relay"]).toMatchObject({ stuck: false, sinceProgressMs: 200 });
  });

  test("a loop asleep on purpose (a long interval, a backoff) is not stuck while it sleeps", () => {
    const c = clock();
    const liveness = new Liveness(c.now);
    const trimmer = liveness.register("stream trimmer", 1_000);
    trimmer.progress(60_000);
    c.advance(60_500);
    expect(liveness.report().live).toBe(true);
    c.advance(600);
    expect(liveness.report().live).toBe(false);
  });

  test("a loop stopped on purpose is no longer watched", () => {
    const c = clock();
    const liveness = new Liveness(c.now);
    liveness.register("outbox relay", 10).stop();
    c.advance(1_000);
    expect(liveness.report()).toEqual({ live: true, loops: {} });
  });
});

describe("GET /livez", () => {
  test("200 while live, 503 problem naming the stuck loop otherwise", async () => {
    const c = clock();
    const liveness = new Liveness(c.now);
    liveness.register("event consumer", 100);
    const app = new OpenAPIHono();
    registerLivez(app, liveness);
    const live = await app.request("/livez");
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: "live", loops: { "event consumer": { stuck: false } } });
    c.advance(101);
    const stuck = await app.request("/livez");
    expect(stuck.status).toBe(503);
    expect(stuck.headers.get("content-type")).toBe("application/problem+json");
    expect(await stuck.json()).toMatchObject({
      status: 503,
      detail: "Stuck background loop: event consumer.",
      loops: { "event consumer": { stuck: true } },
    });
  });
});
