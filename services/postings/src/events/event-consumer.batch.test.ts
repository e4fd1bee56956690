import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { closeEventsRedis, createEventsRedis } from "@msa-board/service-kit/events";
import { startTcpProxy } from "@msa-board/service-kit/test-support";
import { type ConsumerFixture, createConsumerFixture } from "../test-support/consumer.ts";
import { envelope, publish } from "../test-support/redis.ts";
import { spanExporter } from "../test-support/tracing.ts";
import { type EventHandlers, userEventHandlers, userUpdatedHandler } from "./event-handlers.ts";

// A batch is applied in one transaction (aggregates side by side) and acknowledged with one XACK
// after the commit; if any event fails, the batch is rolled back and redone with each event in a
// savepoint of its own. These tests hold it to "each event's effect exactly once" at the edges.

let f: ConsumerFixture;
beforeAll(async () => {
  f = await createConsumerFixture("postings_batch");
});
afterAll(() => f?.close());
beforeEach(() => spanExporter.reset());

const later = (ms: number) => new Date(Date.now() + ms).toISOString();

/** `count` authors with a posting each, and a rename event for each on the stream (in order). */
async function renames(stream: string, count: number) {
  const authors = [];
  for (let i = 0; i < count; i++) {
    const user = await f.h.user(`Before ${i}`);
    const posting = await f.h.post(user);
    const event = envelope({ type: "user.updated", occurredAt: later(1_000), data: { userId: user.id, name: `After ${i}` } });
    const entryId = await f.redis.xAdd(stream, "*", { envelope: JSON.stringify(event) });
    authors.push({ user, posting, event, entryId });
  }
  return authors;
}

/** The rename handler, counting its calls per event, that fails (after writing) for the users in `failFor`. */
function countingHandlers(failFor: Set<string> = new Set()) {
  const calls = new Map<string, number>();
  const handlers: EventHandlers = {
    ...userEventHandlers,
    "user.updated": {
      ...userUpdatedHandler,
      async handle(tx, event) {
        calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
        const summary = await userUpdatedHandler.handle(tx, event);
        if (failFor.has((event.data as { userId: string }).userId)) throw new Error("handler bug after writing");
        return summary;
      },
    },
  };
  return { handlers, calls };
}

async function processedCount(eventIds: string[]): Promise<number> {
  const [row] = await f.h.client.sql`select count(*)::int as n from processed_events where event_id in ${f.h.client.sql(eventIds)}`;
  return row?.n as number;
}

describe("a batch in one transaction", () => {
  test("one failing event in the middle is rolled back alone; the others take effect once and are acknowledged together", async () => {
    const names = await f.freshGroup();
    const batch = await renames(names.stream, 5);
    const failing = batch[2] as (typeof batch)[number];
    const { handlers, calls } = countingHandlers(new Set([failing.user.id]));
    const c = f.consumer(names, { handlers });

    expect(await c.readNew()).toBe(5);
    for (const [i, a] of batch.entries()) {
      expect(await f.authorNameOf(a.posting.id)).toBe(a === failing ? "Before 2" : `After ${i}`);
      // Once in the all-or-nothing attempt (rolled back), once in its own savepoint.
      expect(calls.get(a.event.id)).toBe(2);
    }
    // Its writes and its dedupe record went with its savepoint; the others' committed.
    expect(await processedCount(batch.map((a) => a.event.id))).toBe(4);
    expect(await processedCount([failing.event.id])).toBe(0);
    expect(c.status()).toMatchObject({ applied: 4, handlerFailures: 1, deadLettered: 0 });
    // Only the failing entry is still pending, for a retry; the four went out in one XACK.
    const pending = await f.redis.xPendingRange(names.stream, names.group, "-", "+", 10);
    expect(pending.map((p) => String(p.id))).toEqual([failing.entryId]);
    const acks = spanExporter.getFinishedSpans().filter((s) => s.name === "XACK");
    expect(acks.map((s) => s.attributes["messaging.batch.message_count"])).toEqual([4]);

    // The retry (a reclaim) applies it, and nothing else runs again.
    const retry = f.consumer(names, { handlers: countingHandlers().handlers, claimMinIdleMs: 1 });
    await Bun.sleep(5);
    expect(await retry.reclaim()).toBe(1);
    expect(await f.authorNameOf(failing.posting.id)).toBe("After 2");
    expect(await processedCount(batch.map((a) => a.event.id))).toBe(5);
    expect(await f.pendingCount(names)).toBe(0);
  });

  test("poison entries around valid ones are dead-lettered alone; a handler failing on its last delivery too", async () => {
    const names = await f.freshGroup();
    const [first] = await renames(names.stream, 1);
    const poisonId = await publish(f.redis, names.stream, "{not json");
    const [middle, last] = await renames(names.stream, 2);
    if (!first || !middle || !last) throw new Error("events not published");
    const { handlers, calls } = countingHandlers(new Set([middle.user.id]));
    const c = f.consumer(names, { handlers, maxDeliveries: 1 });

    expect(await c.readNew()).toBe(4);
    expect(await f.authorNameOf(first.posting.id)).toBe("After 0");
    expect(await f.authorNameOf(middle.posting.id)).toBe("Before 0");
    expect(await f.authorNameOf(last.posting.id)).toBe("After 1");
    expect([...calls.values()]).toEqual([2, 2, 2]);
    const dead = (await f.redis.xRange(names.deadLetterStream, "-", "+")) ?? [];
    expect(dead.map((d) => d.message.sourceId).sort()).toEqual([poisonId, middle.entryId].sort());
    expect(await f.pendingCount(names)).toBe(0);
    expect(c.status()).toMatchObject({ applied: 2, deadLettered: 2, handlerFailures: 1 });
  });

  test("batch boundaries: one transaction and one XACK per read of COUNT entries; after a failure, at most N per transaction", async () => {
    const names = await f.freshGroup();
    const batch = await renames(names.stream, 7);
    // Two more renames of the first author, the newer one first: applied in stream order, so "Newest" stays.
    const author = batch[0] as (typeof batch)[number];
    const newest = envelope({ type: "user.updated", occurredAt: later(3_000), data: { userId: author.user.id, name: "Newest" } });
    const older = envelope({ type: "user.updated", occurredAt: later(2_000), data: { userId: author.user.id, name: "Older" } });
    await f.redis.xAdd(names.stream, "*", { envelope: JSON.stringify(newest) });
    await f.redis.xAdd(names.stream, "*", { envelope: JSON.stringify(older) });
    const failing = batch[3] as (typeof batch)[number];
    const { handlers, calls } = countingHandlers(new Set([failing.user.id]));
    const c = f.consumer(names, { handlers, batchSize: 5, maxEventsPerTransaction: 2 });

    // The first read holds the failing event: redone 2 + 2 + 1 in savepoints (in order of user id),
    // one XACK per transaction for what it applied; none for a transaction of the failing one alone.
    expect(await c.readNew()).toBe(5);
    const order = batch
      .slice(0, 5)
      .map((a) => a.user.id)
      .sort();
    const alone = order.indexOf(failing.user.id) === 4;
    const firstRead = spanExporter.getFinishedSpans().filter((s) => s.name === "XACK");
    expect(firstRead.map((s) => s.attributes["messaging.batch.message_count"])).toEqual(
      alone ? [2, 2] : order.indexOf(failing.user.id) < 2 ? [1, 2, 1] : [2, 1, 1],
    );
    spanExporter.reset();
    // The second read applies as a whole: one transaction, one XACK for its 4 entries.
    expect(await c.readNew()).toBe(4);
    expect(
      spanExporter
        .getFinishedSpans()
        .filter((s) => s.name === "XACK")
        .map((s) => s.attributes["messaging.batch.message_count"]),
    ).toEqual([4]);
    expect(await c.readNew(1)).toBe(0);

    expect(await f.authorNameOf(author.posting.id)).toBe("Newest");
    for (const [i, a] of batch.entries())
      if (i > 0) expect(await f.authorNameOf(a.posting.id)).toBe(a === failing ? "Before 3" : `After ${i}`);
    const applied = [...batch.filter((a) => a !== failing).map((a) => a.event.id), older.id, newest.id];
    expect(await processedCount(applied)).toBe(8);
    expect(c.status()).toMatchObject({ applied: 8, duplicates: 0, handlerFailures: 1 });
    expect(await f.pendingCount(names)).toBe(1);
    // Every event of the second read ran once; those of the first twice (the rolled-back attempt, then their savepoint).
    expect([older.id, newest.id, ...batch.slice(5).map((a) => a.event.id)].map((id) => calls.get(id))).toEqual([1, 1, 1, 1]);
    expect(batch.slice(0, 5).map((a) => calls.get(a.event.id))).toEqual([2, 2, 2, 2, 2]);
  });

  test("the connection cut between the commit and the XACK: the batch is redelivered and nothing applies twice", async () => {
    const names = await f.freshGroup();
    const batch = await renames(names.stream, 4);
    const target = new URL(f.streams.url);
    const proxy = await startTcpProxy({ hostname: target.hostname, port: Number(target.port || 6379) });
    const viaProxy = createEventsRedis(proxy.through(target.href), f.h.deps.logger, { silenceTimeoutMs: 1_000 });
    try {
      const lastUser = (batch.at(-1) as (typeof batch)[number]).user.id;
      const { handlers, calls } = countingHandlers();
      const cutting: EventHandlers = {
        ...handlers,
        "user.updated": {
          ...(handlers["user.updated"] as EventHandlers[string]),
          async handle(tx, event) {
            const summary = await (handlers["user.updated"] as EventHandlers[string]).handle(tx, event);
            // The last event of the batch: its transaction commits right after, the XACK finds Redis gone.
            if ((event.data as { userId: string }).userId === lastUser) proxy.down();
            return summary;
          },
        },
      };
      while (!viaProxy.isReady) await Bun.sleep(5);
      const crashing = f.consumer(names, { consumer: "postings-crashing", redis: viaProxy, handlers: cutting });
      await expect(crashing.readNew()).rejects.toThrow();
      expect(await processedCount(batch.map((a) => a.event.id))).toBe(4); // committed…
      expect(await f.pendingCount(names)).toBe(4); // …but not acknowledged

      // The member restarts under its name: its pending entries come again, and only their XACK is left to do.
      const restarted = f.consumer(names, { consumer: "postings-crashing", handlers });
      expect(await restarted.resumeOwnPending()).toBe(4);
      expect(restarted.status()).toMatchObject({ applied: 0, duplicates: 4 });
      expect([...calls.values()]).toEqual([1, 1, 1, 1]);
      for (const [i, a] of batch.entries()) expect(await f.authorNameOf(a.posting.id)).toBe(`After ${i}`);
      expect(await f.pendingCount(names)).toBe(0);
    } finally {
      await closeEventsRedis(viaProxy);
      proxy.close();
    }
  }, 20_000);
});
