import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ConsumerFixture, createConsumerFixture } from "../test-support/consumer.ts";
import { envelope, publish } from "../test-support/redis.ts";
import { type EventHandlers, userEventHandlers, userUpdatedHandler } from "./event-handlers.ts";

let f: ConsumerFixture;
beforeAll(async () => {
  f = await createConsumerFixture("postings_consumer");
});
afterAll(() => f?.close());

/** Event times after the test tokens' iat (a token issued after a rename would carry the new name). */
const secondsFromNow = (s: number) => new Date(Date.now() + s * 1_000).toISOString();

describe("applying users' events", () => {
  test("user.updated renames the author on all their postings (and in authors); others untouched", async () => {
    const names = await f.freshGroup();
    const ada = await f.h.user("Ada");
    const bob = await f.h.user("Bob");
    const mine = [await f.h.post(ada), await f.h.post(ada)];
    const theirs = await f.h.post(bob);
    await publish(f.redis, names.stream, { type: "user.updated", data: { userId: ada.id, name: "Ada Lovelace" } });

    const c = f.consumer(names);
    expect(await c.readNew()).toBe(1);
    for (const p of mine) expect(await f.authorNameOf(p.id)).toBe("Ada Lovelace");
    expect(await f.authorNameOf(theirs.id)).toBe("Bob");
    const [author] = await f.h.client.sql`select name from authors where id = ${ada.id}`;
    expect(author?.name).toBe("Ada Lovelace");
    expect(await f.pendingCount(names)).toBe(0);
    expect(c.status()).toMatchObject({ applied: 1, duplicates: 0, deadLettered: 0 });
  });

  test("user.updated for someone who never posted remembers the name for their first post", async () => {
    const names = await f.freshGroup();
    const newcomer = await f.h.user("Stale Token Name");
    await publish(f.redis, names.stream, { type: "user.updated", data: { userId: newcomer.id, name: "Fresh Name" } });
    await f.consumer(names).readNew();
    // The token was signed before the rename: the event's name is newer and wins.
    expect((await f.h.post(newcomer)).authorName).toBe("Fresh Name");
  });

  test("user.deleted removes the author's postings (only theirs) and leaves a tombstone", async () => {
    const names = await f.freshGroup();
    const leaving = await f.h.user("Leaving");
    const staying = await f.h.user("Staying");
    const gone = [await f.h.post(leaving), await f.h.post(leaving), await f.h.post(leaving)];
    const kept = await f.h.post(staying);
    await publish(f.redis, names.stream, { type: "user.deleted", data: { userId: leaving.id } });
    await f.consumer(names).readNew();
    for (const p of gone) expect(await f.authorNameOf(p.id)).toBeNull();
    expect(await f.authorNameOf(kept.id)).toBe("Staying");
    const [tombstone] = await f.h.client.sql`select name, deleted_at from authors where id = ${leaving.id}`;
    expect(tombstone?.name).toBeNull();
    expect(tombstone?.deleted_at).not.toBeNull();
    // A rename arriving after the deletion does not bring the author back.
    await publish(f.redis, names.stream, { type: "user.updated", data: { userId: leaving.id, name: "Ghost" } });
    await f.consumer(names).readNew();
    const [after] = await f.h.client.sql`select name from authors where id = ${leaving.id}`;
    expect(after?.name).toBeNull();
  });

  test("duplicate delivery: the same envelope id twice is applied once", async () => {
    const names = await f.freshGroup();
    const user = await f.h.user("Dup");
    const posting = await f.h.post(user);
    const event = envelope({ type: "user.updated", data: { userId: user.id, name: "Dup Renamed" } });
    let calls = 0;
    const counting: EventHandlers = {
      ...userEventHandlers,
      "user.updated": {
        data: userUpdatedHandler.data,
        handle: (tx, e) => {
          calls += 1;
          return userUpdatedHandler.handle(tx, e);
        },
      },
    };
    await f.redis.xAdd(names.stream, "*", { envelope: JSON.stringify(event) });
    await f.redis.xAdd(names.stream, "*", { envelope: JSON.stringify(event) });
    const c = f.consumer(names, { handlers: counting });
    expect(await c.readNew()).toBe(2);
    expect(calls).toBe(1);
    expect(c.status()).toMatchObject({ applied: 1, duplicates: 1 });
    expect(await f.authorNameOf(posting.id)).toBe("Dup Renamed");
    const rows = await f.h.client.sql`select event_id, type from processed_events where event_id = ${event.id}`;
    expect(rows.map((r) => ({ ...r }))).toEqual([{ event_id: event.id, type: "user.updated" }]);
    expect(await f.pendingCount(names)).toBe(0);
  });

  test("out of order: an older rename arriving late is ignored", async () => {
    const names = await f.freshGroup();
    const user = await f.h.user("Original");
    const posting = await f.h.post(user);
    await publish(f.redis, names.stream, {
      type: "user.updated",
      occurredAt: secondsFromNow(2),
      data: { userId: user.id, name: "Newest" },
    });
    await publish(f.redis, names.stream, { type: "user.updated", occurredAt: secondsFromNow(1), data: { userId: user.id, name: "Older" } });
    const c = f.consumer(names);
    await c.readNew();
    expect(await f.authorNameOf(posting.id)).toBe("Newest");
    // Both were handled (and recorded), the late one without effect.
    expect(c.status().applied).toBe(2);
    expect(await f.pendingCount(names)).toBe(0);
  });

  test("two renames in the same millisecond: the later event id wins, whatever the arrival order", async () => {
    const names = await f.freshGroup();
    const user = await f.h.user("Same ms");
    const posting = await f.h.post(user);
    const at = secondsFromNow(1);
    const earlierId = Bun.randomUUIDv7();
    const laterId = Bun.randomUUIDv7();
    await publish(f.redis, names.stream, { id: laterId, type: "user.updated", occurredAt: at, data: { userId: user.id, name: "Later" } });
    await publish(f.redis, names.stream, {
      id: earlierId,
      type: "user.updated",
      occurredAt: at,
      data: { userId: user.id, name: "Earlier" },
    });
    await f.consumer(names).readNew();
    expect(await f.authorNameOf(posting.id)).toBe("Later");
  });

  test("the handler and its dedupe record are atomic: a handler that fails after writing leaves neither", async () => {
    const names = await f.freshGroup();
    const user = await f.h.user("Atomic");
    const posting = await f.h.post(user);
    const event = envelope({ type: "user.updated", data: { userId: user.id, name: "Half Applied" } });
    const failing: EventHandlers = {
      "user.updated": {
        data: userUpdatedHandler.data,
        async handle(tx, e) {
          await userUpdatedHandler.handle(tx, e); // writes the rename…
          throw new Error("boom after writing"); // …then fails
        },
      },
    };
    await f.redis.xAdd(names.stream, "*", { envelope: JSON.stringify(event) });
    const c = f.consumer(names, { handlers: failing });
    await c.readNew();
    expect(c.status().handlerFailures).toBe(1);
    expect(await f.authorNameOf(posting.id)).toBe("Atomic");
    expect((await f.h.client.sql`select 1 from processed_events where event_id = ${event.id}`).length).toBe(0);
    expect(await f.pendingCount(names)).toBe(1); // not acknowledged: it will be retried

    // A healthy member retries it (claiming it once it has been idle) and it applies exactly once.
    const retry = f.consumer(names, { claimMinIdleMs: 1 });
    await Bun.sleep(5);
    expect(await retry.reclaim()).toBe(1);
    expect(await f.authorNameOf(posting.id)).toBe("Half Applied");
    expect((await f.h.client.sql`select 1 from processed_events where event_id = ${event.id}`).length).toBe(1);
    expect(await f.pendingCount(names)).toBe(0);
  });
});

describe("group membership", () => {
  test("ensureGroup creates the stream and group (from the start) and tolerates an existing one", async () => {
    const names = f.streams.fresh();
    const early = await publish(f.redis, names.stream, { type: "user.updated", data: { userId: "nobody", name: "Early" } });
    const c = f.consumer(names);
    await c.ensureGroup();
    await c.ensureGroup();
    const groups = await f.redis.xInfoGroups(names.stream);
    expect(groups.map((g) => String(g.name))).toEqual([names.group]);
    // Created from 0: an entry written before the group existed is still delivered.
    await c.readNew();
    expect(c.status().applied).toBe(1);
    expect(early).toBeString();
  });

  test("stats: lag (not yet delivered), pending (delivered, unacknowledged) and dead letters", async () => {
    const names = await f.freshGroup();
    for (let i = 0; i < 3; i++) await publish(f.redis, names.stream, { type: "user.updated", data: { userId: `u${i}`, name: "N" } });
    const c = f.consumer(names);
    expect(await c.stats()).toEqual({ lag: 3, pending: 0, deadLetters: 0 });
    await f.redis.sendCommand(["XREADGROUP", "GROUP", names.group, "someone", "COUNT", "1", "STREAMS", names.stream, ">"]);
    expect(await c.stats()).toEqual({ lag: 2, pending: 1, deadLetters: 0 });
    await publish(f.redis, names.stream, "not json");
    await c.readNew();
    expect(await c.stats()).toMatchObject({ lag: 0, deadLetters: 1 });
  });
});
