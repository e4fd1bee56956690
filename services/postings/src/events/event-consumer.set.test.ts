import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { closeEventsRedis, createEventsRedis } from "@msa-board/service-kit/events";
import { startTcpProxy } from "@msa-board/service-kit/test-support";
import { SpanKind } from "@opentelemetry/api";
import { type ConsumerFixture, createConsumerFixture } from "../test-support/consumer.ts";
import { envelope } from "../test-support/redis.ts";
import { spanExporter, testTracing } from "../test-support/tracing.ts";
import { type BatchHandler, userEventsBatch } from "./event-handlers.ts";

// A read of users' events is applied set-based (set-batch.ts + authors-batch.ts): one transaction, a
// constant number of statements, one XACK — and still each event exactly once, with its own outcome,
// log line and CONSUMER span in the trace of the request that caused it.

let f: ConsumerFixture;
beforeAll(async () => {
  f = await createConsumerFixture("postings_set");
});
afterAll(() => f?.close());
beforeEach(() => {
  spanExporter.reset();
  f.h.logs.length = 0;
});

const later = (ms: number) => new Date(Date.now() + ms).toISOString();

async function add(stream: string, e: ReturnType<typeof envelope>): Promise<string> {
  return f.redis.xAdd(stream, "*", { envelope: JSON.stringify(e) });
}

async function processedCount(eventIds: string[]): Promise<number> {
  const [row] = await f.h.client.sql`select count(*)::int as n from processed_events where event_id in ${f.h.client.sql(eventIds)}`;
  return row?.n as number;
}

const logged = () => f.h.logs.map((l) => JSON.parse(l) as Record<string, unknown>);

/** The set-based handler, calling `after` once it has applied a batch (inside the transaction). */
const spying = (after: () => void): BatchHandler => ({
  covers: userEventsBatch.covers,
  async handleAll(tx, events) {
    const summaries = await userEventsBatch.handleAll(tx, events);
    after();
    return summaries;
  },
});

describe("a read of users' events, set-based", () => {
  test("renames and deletions of several authors: each applied once with its own outcome, span and log line; a constant number of statements", async () => {
    const names = await f.freshGroup();
    const authors = await Promise.all(Array.from({ length: 6 }, (_, i) => f.h.user(`Author ${i}`)));
    const posts = await Promise.all(authors.map((a) => f.h.post(a)));
    const request = testTracing.tracer.startSpan("PATCH /user");
    const { traceId, spanId } = request.spanContext();
    request.end();
    const events = [
      ...authors.map((a, i) =>
        envelope({
          type: "user.updated",
          occurredAt: later(1_000),
          traceparent: `00-${traceId}-${spanId}-01`,
          data: { userId: a.id, name: `Renamed ${i}` },
        }),
      ),
      envelope({ type: "user.deleted", occurredAt: later(2_000), data: { userId: (authors[5] as { id: string }).id } }),
      // Only for the rename of author 0: an older one after it changes nothing.
      envelope({ type: "user.updated", occurredAt: later(500), data: { userId: (authors[0] as { id: string }).id, name: "Too Old" } }),
    ];
    for (const e of events) await add(names.stream, e);
    spanExporter.reset(); // the posts' spans
    f.h.logs.length = 0;
    const c = f.consumer(names);
    expect(await c.readNew()).toBe(8);
    const spans = spanExporter.getFinishedSpans();

    for (const [i, p] of posts.entries()) expect(await f.authorNameOf(p.id)).toBe(i === 5 ? null : `Renamed ${i}`);
    expect(c.status()).toMatchObject({ applied: 8, duplicates: 0, handlerFailures: 0 });
    expect(await f.pendingCount(names)).toBe(0);
    const consumerSpans = spans.filter((s) => s.kind === SpanKind.CONSUMER);
    expect(consumerSpans.map((s) => s.attributes["messaging.message.id"]).sort()).toEqual(events.map((e) => e.id).sort());
    expect(consumerSpans.every((s) => s.attributes["event.outcome"] === "applied")).toBe(true);
    // The renames caused by the request stay in its trace.
    const renames = consumerSpans.filter((s) => s.spanContext().traceId === traceId);
    expect(renames).toHaveLength(6);
    expect(renames.every((s) => s.parentSpanContext?.spanId === spanId)).toBe(true);
    // One transaction: a handful of statements for 8 events (dedupe, authors insert/lock/update, postings update/delete).
    const ids = new Set(consumerSpans.map((s) => s.spanContext().spanId));
    const statements = spans.filter((s) => s.attributes["db.system"] === "postgresql" && ids.has(s.parentSpanContext?.spanId ?? ""));
    expect(statements.map((s) => s.name)).toEqual([
      "INSERT processed_events",
      "INSERT authors",
      "SELECT authors",
      "UPDATE authors",
      "UPDATE postings",
      "DELETE postings",
    ]);
    // …all under the first event's span, as the batch's XACK sits under the last one's.
    expect(new Set(statements.map((s) => s.parentSpanContext?.spanId)).size).toBe(1);
    expect(spans.filter((s) => s.name === "XACK").map((s) => s.attributes["messaging.batch.message_count"])).toEqual([8]);
    const summaries = logged().filter((l) => l.msg === "event applied");
    expect(summaries.find((l) => l.eventId === events[0]?.id)).toMatchObject({ applied: true, renamed: true, stale: false });
    expect(summaries.find((l) => l.eventId === events[6]?.id)).toMatchObject({ postingsDeleted: 1 });
    expect(summaries.find((l) => l.eventId === events[7]?.id)).toMatchObject({ applied: false, stale: true });
  });

  test("duplicates inside one read and across reads: the first copy applies, every other is acknowledged as a duplicate", async () => {
    const names = await f.freshGroup();
    const user = await f.h.user("Dup");
    const posting = await f.h.post(user);
    const first = envelope({ type: "user.updated", occurredAt: later(1_000), data: { userId: user.id, name: "First" } });
    const second = envelope({ type: "user.updated", occurredAt: later(2_000), data: { userId: user.id, name: "Second" } });
    for (const e of [first, second, first, second]) await add(names.stream, e);
    const c = f.consumer(names);
    expect(await c.readNew()).toBe(4);
    expect(c.status()).toMatchObject({ applied: 2, duplicates: 2 });
    expect(await f.authorNameOf(posting.id)).toBe("Second");

    // The relay publishing them again later: only acknowledged.
    for (const e of [second, first]) await add(names.stream, e);
    expect(await c.readNew()).toBe(2);
    expect(c.status()).toMatchObject({ applied: 2, duplicates: 4 });
    expect(await f.authorNameOf(posting.id)).toBe("Second");
    expect(await processedCount([first.id, second.id])).toBe(2);
    expect(await f.pendingCount(names)).toBe(0);
  });

  test("the connection cut between the commit and the XACK: redelivered, only acknowledged, nothing applies twice", async () => {
    const names = await f.freshGroup();
    const users = await Promise.all(Array.from({ length: 4 }, (_, i) => f.h.user(`Cut ${i}`)));
    const posts = await Promise.all(users.map((u) => f.h.post(u)));
    const events = users.map((u, i) =>
      envelope({ type: "user.updated", occurredAt: later(1_000), data: { userId: u.id, name: `After ${i}` } }),
    );
    for (const e of events) await add(names.stream, e);
    const target = new URL(f.streams.url);
    const proxy = await startTcpProxy({ hostname: target.hostname, port: Number(target.port || 6379) });
    const viaProxy = createEventsRedis(proxy.through(target.href), f.h.deps.logger, { silenceTimeoutMs: 1_000 });
    try {
      let batches = 0;
      while (!viaProxy.isReady) await Bun.sleep(5);
      // Redis goes away once the batch is applied: the transaction commits, the XACK finds no Redis.
      const crashing = f.consumer(names, {
        consumer: "postings-crashing",
        redis: viaProxy,
        batch: spying(() => {
          batches += 1;
          proxy.down();
        }),
      });
      await expect(crashing.readNew()).rejects.toThrow();
      expect(batches).toBe(1);
      expect(await processedCount(events.map((e) => e.id))).toBe(4); // committed…
      expect(await f.pendingCount(names)).toBe(4); // …but not acknowledged

      const restarted = f.consumer(names, {
        consumer: "postings-crashing",
        batch: spying(() => {
          batches += 1;
        }),
      });
      expect(await restarted.resumeOwnPending()).toBe(4);
      expect(restarted.status()).toMatchObject({ applied: 0, duplicates: 4 });
      expect(batches).toBe(2); // the redo found only duplicates: nothing new to apply
      for (const [i, p] of posts.entries()) expect(await f.authorNameOf(p.id)).toBe(`After ${i}`);
      expect(await f.pendingCount(names)).toBe(0);
    } finally {
      await closeEventsRedis(viaProxy);
      proxy.close();
    }
  }, 20_000);

  test("the set-based batch failing is rolled back whole and redone one savepoint per event, each applied once", async () => {
    const names = await f.freshGroup();
    const users = await Promise.all(Array.from({ length: 3 }, (_, i) => f.h.user(`Fallback ${i}`)));
    const posts = await Promise.all(users.map((u) => f.h.post(u)));
    const events = users.map((u, i) =>
      envelope({ type: "user.updated", occurredAt: later(1_000), data: { userId: u.id, name: `Redone ${i}` } }),
    );
    for (const e of events) await add(names.stream, e);
    const broken: BatchHandler = {
      covers: userEventsBatch.covers,
      async handleAll(tx, batch) {
        await userEventsBatch.handleAll(tx, batch); // writes everything…
        throw new Error("set-based bug after writing"); // …then fails
      },
    };
    const c = f.consumer(names, { batch: broken });
    expect(await c.readNew()).toBe(3);
    for (const [i, p] of posts.entries()) expect(await f.authorNameOf(p.id)).toBe(`Redone ${i}`);
    expect(c.status()).toMatchObject({ applied: 3, duplicates: 0, handlerFailures: 0 });
    expect(logged().filter((l) => l.msg === "batch rolled back; redoing it one savepoint per event")).toEqual([
      expect.objectContaining({ level: "warn", events: 3, err: "set-based bug after writing" }),
    ]);
    const summaries = logged().filter((l) => l.msg === "event applied");
    // Each event's outcome is what its own handler reported in its savepoint (renamed once, not "already applied").
    expect(summaries.map((l) => l.renamed)).toEqual([true, true, true]);
    expect(await processedCount(events.map((e) => e.id))).toBe(3);
    expect(await f.pendingCount(names)).toBe(0);
  });

  test("POSTs racing a batch of renames about the same authors: the newer name wins either way, and postings mirror authors", async () => {
    const names = await f.freshGroup();
    const users = await Promise.all(Array.from({ length: 16 }, (_, i) => f.h.user(`Token ${i}`)));
    // Even authors: the event is newer than the token; odd ones: older (the token's name must survive).
    const events = users.map((u, i) =>
      envelope({ type: "user.updated", occurredAt: later(i % 2 === 0 ? 5_000 : -60_000), data: { userId: u.id, name: `Event ${i}` } }),
    );
    for (const e of events) await add(names.stream, e);
    const c = f.consumer(names);
    const [read, ...posts] = await Promise.all([c.readNew(), ...users.map((u) => f.h.post(u))]);
    expect(read).toBe(16);
    expect(c.status()).toMatchObject({ applied: 16, handlerFailures: 0 });
    for (const [i, u] of users.entries()) {
      const expected = i % 2 === 0 ? `Event ${i}` : `Token ${i}`;
      const [author] = await f.h.client.sql`select name from authors where id = ${u.id}`;
      expect(author?.name).toBe(expected);
      expect(await f.authorNameOf((posts[i] as { id: string }).id)).toBe(expected);
    }
  });
});
