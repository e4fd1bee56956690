import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createDatabaseClient } from "../db/client.ts";
import { type ConsumerFixture, createConsumerFixture } from "../test-support/consumer.ts";
import { envelope, publish } from "../test-support/redis.ts";
import { type EventHandlers, userUpdatedHandler } from "./event-handlers.ts";

let f: ConsumerFixture;
beforeAll(async () => {
  f = await createConsumerFixture("postings_delivery");
});
afterAll(() => f?.close());

/** What a member that crashes right after reading leaves behind: entries pending under its name. */
async function readAndCrash(names: { stream: string; group: string }, consumer: string, count = 100): Promise<number> {
  const reply = (await f.redis.sendCommand([
    "XREADGROUP",
    "GROUP",
    names.group,
    consumer,
    "COUNT",
    String(count),
    "STREAMS",
    names.stream,
    ">",
  ])) as Array<[string, unknown[]]> | null;
  return reply?.[0]?.[1].length ?? 0;
}

async function renameEvents(names: { stream: string }, count: number) {
  const users = [];
  for (let i = 0; i < count; i++) {
    const user = await f.h.user(`Before ${i}`);
    const posting = await f.h.post(user);
    await publish(f.redis, names.stream, {
      type: "user.updated",
      occurredAt: new Date(Date.now() + 1_000).toISOString(),
      data: { userId: user.id, name: `After ${i}` },
    });
    users.push({ user, posting });
  }
  return users;
}

describe("redelivery", () => {
  test("a crashed member's pending entries are claimed by another member once idle long enough", async () => {
    const names = await f.freshGroup();
    const renamed = await renameEvents(names, 3);
    expect(await readAndCrash(names, "crashed-member")).toBe(3);
    expect(await f.pendingCount(names)).toBe(3);

    const survivor = f.consumer(names, { claimMinIdleMs: 300 });
    expect(await survivor.reclaim()).toBe(0); // not idle long enough yet: the crashed member might still be working
    await Bun.sleep(350);
    expect(await survivor.reclaim()).toBe(3);
    for (const [i, r] of renamed.entries()) expect(await f.authorNameOf(r.posting.id)).toBe(`After ${i}`);
    expect(await f.pendingCount(names)).toBe(0);
    expect(survivor.status()).toMatchObject({ reclaimed: 3, applied: 3 });
  });

  test("a member restarted under the same name resumes its own pending entries at once", async () => {
    const names = await f.freshGroup();
    const renamed = await renameEvents(names, 2);
    expect(await readAndCrash(names, "postings-1")).toBe(2);
    const restarted = f.consumer(names, { consumer: "postings-1", claimMinIdleMs: 60_000 });
    expect(await restarted.resumeOwnPending()).toBe(2);
    for (const [i, r] of renamed.entries()) expect(await f.authorNameOf(r.posting.id)).toBe(`After ${i}`);
    expect(await f.pendingCount(names)).toBe(0);
  });

  test("an entry applied but not acknowledged (crash between commit and XACK) is redone as a duplicate", async () => {
    const names = await f.freshGroup();
    const [only] = await renameEvents(names, 1);
    if (!only) throw new Error("no event published");
    const first = f.consumer(names);
    await first.readNew();
    // Simulate the lost XACK: put the entry back into the pending list by reading it again under a crashed name.
    await f.redis.xGroupSetId(names.stream, names.group, "0");
    expect(await readAndCrash(names, "lost-ack")).toBe(1);
    const second = f.consumer(names, { claimMinIdleMs: 1 });
    await Bun.sleep(5);
    expect(await second.reclaim()).toBe(1);
    expect(second.status()).toMatchObject({ duplicates: 1, applied: 0 });
    expect(await f.authorNameOf(only.posting.id)).toBe("After 0");
  });

  test("an entry deleted from the stream while pending is dropped from the pending list", async () => {
    const names = await f.freshGroup();
    const id = await publish(f.redis, names.stream, { type: "user.updated", data: { userId: "x", name: "y" } });
    await readAndCrash(names, "postings-gone");
    await f.redis.xDel(names.stream, id);
    const c = f.consumer(names, { consumer: "postings-gone" });
    await c.resumeOwnPending();
    expect(await f.pendingCount(names)).toBe(0);
  });
});

describe("poison events go to the dead-letter stream", () => {
  const cases: Array<[string, string]> = [
    ["malformed JSON", "{this is not json"],
    ["not an envelope", JSON.stringify({ hello: "world" })],
    ["an unknown type", JSON.stringify(envelope({ type: "user.exploded", data: { userId: "u" } }))],
    ["invalid data", JSON.stringify(envelope({ type: "user.updated", data: { userId: 42 } }))],
    ["a bad occurredAt", JSON.stringify({ ...envelope({ type: "user.deleted", data: { userId: "u" } }), occurredAt: "yesterday" })],
  ];

  for (const [what, raw] of cases) {
    test(`${what}: dead-lettered with the reason, acknowledged, and the next event still applies`, async () => {
      const names = await f.freshGroup();
      const user = await f.h.user("Behind Poison");
      const posting = await f.h.post(user);
      const poisonId = await publish(f.redis, names.stream, raw);
      await publish(f.redis, names.stream, {
        type: "user.updated",
        occurredAt: new Date(Date.now() + 1_000).toISOString(),
        data: { userId: user.id, name: "Healthy Event" },
      });
      const c = f.consumer(names);
      await c.readNew();

      expect(await f.authorNameOf(posting.id)).toBe("Healthy Event");
      expect(await f.pendingCount(names)).toBe(0);
      const dead = (await f.redis.xRange(names.deadLetterStream, "-", "+")) ?? [];
      expect(dead).toHaveLength(1);
      expect(dead[0]?.message).toMatchObject({ envelope: raw, group: names.group, sourceId: poisonId });
      expect(dead[0]?.message.error).toBeString();
      expect(Date.parse(dead[0]?.message.failedAt as string)).toBeGreaterThan(Date.now() - 60_000);
      expect(c.status().deadLettered).toBe(1);
      expect(f.h.logs.some((l) => l.includes('"msg":"event dead-lettered"') && l.includes(poisonId))).toBe(true);
      expect((await c.stats()).deadLetters).toBe(1);
    });
  }

  test("an entry without an envelope field is dead-lettered too", async () => {
    const names = await f.freshGroup();
    await f.redis.xAdd(names.stream, "*", { something: "else" });
    await f.consumer(names).readNew();
    const dead = (await f.redis.xRange(names.deadLetterStream, "-", "+")) ?? [];
    expect(dead[0]?.message.error).toContain("envelope");
  });

  test("a handler that keeps failing is retried, then dead-lettered on delivery 5; nothing is recorded", async () => {
    const names = await f.freshGroup();
    let calls = 0;
    const broken: EventHandlers = {
      "user.updated": {
        data: userUpdatedHandler.data,
        async handle() {
          calls += 1;
          throw new Error(`handler bug #${calls}`);
        },
      },
    };
    const event = envelope({ type: "user.updated", data: { userId: "u", name: "n" } });
    await f.redis.xAdd(names.stream, "*", { envelope: JSON.stringify(event) });
    const c = f.consumer(names, { handlers: broken, claimMinIdleMs: 1 });
    await c.readNew(); // delivery 1
    for (let delivery = 2; delivery <= 5; delivery++) {
      expect(await f.redis.xLen(names.deadLetterStream)).toBe(0);
      await Bun.sleep(3);
      await c.reclaim(); // deliveries 2…5
    }
    expect(calls).toBe(5);
    expect(await f.pendingCount(names)).toBe(0);
    const [dead] = (await f.redis.xRange(names.deadLetterStream, "-", "+")) ?? [];
    expect(dead?.message.error).toContain("delivery 5");
    expect(dead?.message.error).toContain("handler bug #5");
    expect((await f.h.client.sql`select 1 from processed_events where event_id = ${event.id}`).length).toBe(0);
    expect(c.status()).toMatchObject({ handlerFailures: 5, deadLettered: 1 });
  });

  test("a database outage is not the event's fault: nothing is dead-lettered, the entry waits", async () => {
    const names = await f.freshGroup();
    await publish(f.redis, names.stream, { type: "user.deleted", data: { userId: "someone" } });
    const down = createDatabaseClient("postgres://postings:postings@127.0.0.1:9/postings", { max: 1 });
    try {
      // Even with a single delivery allowed, an outage never sends the event to the dead letters.
      const c = f.consumer(names, { db: down.db, maxDeliveries: 1 });
      await expect(c.readNew()).rejects.toThrow();
      expect(await f.redis.xLen(names.deadLetterStream)).toBe(0);
      expect(await f.pendingCount(names)).toBe(1);
      // Back with a working database, the entry is redone.
      const healthy = f.consumer(names, { claimMinIdleMs: 1 });
      await Bun.sleep(5);
      expect(await healthy.reclaim()).toBe(1);
      expect(healthy.status().applied).toBe(1);
    } finally {
      await down.close();
    }
  });
});
