import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeEventsRedis, createEventsRedis } from "@msa-board/service-kit/events";
import { startTcpProxy } from "@msa-board/service-kit/test-support";
import { SpanKind } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { type ConsumerFixture, createConsumerFixture, eventually } from "../test-support/consumer.ts";
import { publish } from "../test-support/redis.ts";
import { spanExporter, testTracing } from "../test-support/tracing.ts";
import { type EventHandlers, userUpdatedHandler } from "./event-handlers.ts";

let f: ConsumerFixture;
beforeAll(async () => {
  f = await createConsumerFixture("postings_runtime");
});
afterAll(() => f?.close());

const soon = () => new Date(Date.now() + 1_000).toISOString();

function descendantsOf(spans: ReadableSpan[], root: ReadableSpan): ReadableSpan[] {
  const found: ReadableSpan[] = [];
  const queue = [root.spanContext().spanId];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const span of spans) {
      if (span.parentSpanContext?.spanId === parent) {
        found.push(span);
        queue.push(span.spanContext().spanId);
      }
    }
  }
  return found;
}

describe("the running consumer", () => {
  test("start() applies new events within moments; stop() while idle returns at once", async () => {
    const names = await f.freshGroup();
    const user = await f.h.user("Live");
    const posting = await f.h.post(user);
    const c = f.consumer(names, { blockMs: 5_000 });
    c.start();
    await publish(f.redis, names.stream, { type: "user.updated", occurredAt: soon(), data: { userId: user.id, name: "Live Renamed" } });
    const ms = await eventually(async () => (await f.authorNameOf(posting.id)) === "Live Renamed");
    expect(ms).toBeLessThan(5_000);
    expect(c.status().state).toBe("running");
    await Bun.sleep(100); // now blocked in XREADGROUP for up to 5 s
    const started = Date.now();
    await c.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(c.status().state).toBe("stopped");
  });

  test("stop() finishes the entry in hand before returning", async () => {
    const names = await f.freshGroup();
    const user = await f.h.user("Slow");
    const posting = await f.h.post(user);
    let handling = false;
    const slow: EventHandlers = {
      "user.updated": {
        data: userUpdatedHandler.data,
        async handle(tx, e) {
          handling = true;
          await Bun.sleep(300);
          return userUpdatedHandler.handle(tx, e);
        },
      },
    };
    const c = f.consumer(names, { handlers: slow });
    c.start();
    await publish(f.redis, names.stream, { type: "user.updated", occurredAt: soon(), data: { userId: user.id, name: "Finished" } });
    await eventually(() => handling);
    await c.stop();
    expect(await f.authorNameOf(posting.id)).toBe("Finished");
    expect(await f.pendingCount(names)).toBe(0);
  });

  test("backs off while the events Redis is unreachable and recovers by itself", async () => {
    const names = await f.freshGroup();
    const target = new URL(f.streams.url);
    const proxy = await startTcpProxy({ hostname: target.hostname, port: Number(target.port || 6379) });
    // The same URL, credentials included (the events Redis needs a password), through the proxy.
    const viaProxy = createEventsRedis(proxy.through(f.streams.url), f.h.deps.logger);
    const user = await f.h.user("Outage");
    const posting = await f.h.post(user);
    const c = f.consumer(names, { redis: viaProxy, blockMs: 100, backoff: { initialMs: 50, maxMs: 300 } });
    try {
      c.start();
      await publish(f.redis, names.stream, { type: "user.updated", occurredAt: soon(), data: { userId: user.id, name: "Before Outage" } });
      await eventually(async () => (await f.authorNameOf(posting.id)) === "Before Outage");

      proxy.down();
      await eventually(() => c.status().state === "retrying");
      expect(c.status().outageSince).toBeString();
      await publish(f.redis, names.stream, {
        type: "user.updated",
        occurredAt: new Date(Date.now() + 2_000).toISOString(),
        data: { userId: user.id, name: "During Outage" },
      });
      await Bun.sleep(500);
      expect(await f.authorNameOf(posting.id)).toBe("Before Outage");
      expect(c.status().state).toBe("retrying");

      proxy.up();
      await eventually(async () => (await f.authorNameOf(posting.id)) === "During Outage", { timeoutMs: 10_000 });
      await eventually(() => c.status().state === "running");
      const backoffLogs = f.h.logs.filter((l) => l.includes("event consumer cannot proceed; retrying with backoff"));
      expect(backoffLogs.length).toBeGreaterThanOrEqual(1);
      expect(f.h.logs.some((l) => l.includes("event consumer recovered"))).toBe(true);
    } finally {
      await c.stop();
      await closeEventsRedis(viaProxy);
      proxy.close();
    }
  }, 30_000);
});

describe("trace context crosses the queue", () => {
  test("the CONSUMER span's parent is the envelope's traceparent; SQL and XACK spans nest under it", async () => {
    const names = await f.freshGroup();
    const user = await f.h.user("Traced");
    await f.h.post(user);
    const request = testTracing.tracer.startSpan("DELETE /user");
    const { traceId, spanId } = request.spanContext();
    request.end();
    await publish(f.redis, names.stream, { type: "user.deleted", traceparent: `00-${traceId}-${spanId}-01`, data: { userId: user.id } });

    spanExporter.reset();
    f.h.logs.length = 0;
    await f.consumer(names).readNew();
    const spans = spanExporter.getFinishedSpans();
    const consumerSpan = spans.find((s) => s.name === "events process user.deleted");
    expect(consumerSpan).toBeDefined();
    if (!consumerSpan) return;
    expect(consumerSpan.kind).toBe(SpanKind.CONSUMER);
    expect(consumerSpan.spanContext().traceId).toBe(traceId);
    expect(consumerSpan.parentSpanContext?.spanId).toBe(spanId);
    expect(consumerSpan.attributes).toMatchObject({
      "messaging.system": "redis",
      "messaging.destination.name": names.stream,
      "messaging.consumer.group.name": names.group,
      "event.outcome": "applied",
    });

    const below = descendantsOf(spans, consumerSpan);
    const statements = below
      .filter((s) => s.attributes["db.system"] === "postgresql")
      .map((s) => String(s.attributes["db.statement"] ?? ""));
    expect(statements.some((sql) => /insert into "processed_events"/i.test(sql))).toBe(true);
    expect(statements.some((sql) => /delete from "postings"/i.test(sql))).toBe(true);
    expect(statements.join("\n")).not.toContain(user.id); // statements never carry parameters
    expect(below.some((s) => s.name === "XACK" && s.attributes["db.system"] === "redis")).toBe(true);
    expect(below.every((s) => s.spanContext().traceId === traceId)).toBe(true);
    // …and the consumer's log line leads to that trace.
    const applied = f.h.logs.map((l) => JSON.parse(l)).find((l) => l.msg === "event applied");
    expect(applied).toMatchObject({ traceId, type: "user.deleted", postingsDeleted: 1 });
  });

  test("an event without a traceparent starts a trace of its own; polling and housekeeping make no spans", async () => {
    const names = await f.freshGroup();
    spanExporter.reset();
    const c = f.consumer(names, { blockMs: 50, claimIntervalMs: 50, pruneIntervalMs: 50 });
    c.start();
    await Bun.sleep(300);
    expect(spanExporter.getFinishedSpans()).toEqual([]);
    await publish(f.redis, names.stream, { type: "user.deleted", data: { userId: "nobody-at-all" } });
    await eventually(() => spanExporter.getFinishedSpans().some((s) => s.name === "events process user.deleted"));
    await c.stop();
    const root = spanExporter.getFinishedSpans().find((s) => s.name === "events process user.deleted");
    expect(root?.parentSpanContext).toBeUndefined();
  });
});
