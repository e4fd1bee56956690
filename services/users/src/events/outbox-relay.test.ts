import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { closeEventsRedis, createEventsRedis } from "@msa-board/service-kit/events";
import { createLogger } from "@msa-board/service-kit/logger";
import { startTcpProxy } from "@msa-board/service-kit/test-support";
import { createDatabaseClient, type DatabaseClient } from "../db/client.ts";
import { createTestEventsRedis, eventually } from "../test-support/events-redis.ts";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { AccountChanges } from "../users/account-changes.ts";
import { userUpdated } from "./envelope.ts";
import { OutboxRelay, type OutboxRelayOptions, type StreamWriter } from "./outbox-relay.ts";
import { OutboxRepository } from "./outbox-repository.ts";

let h: Harness;
let redis: Awaited<ReturnType<typeof createTestEventsRedis>>;
const relays: OutboxRelay[] = [];
const clients: DatabaseClient[] = [];

beforeAll(async () => {
  h = await createHarness({ prefix: "users_relay" });
  redis = await createTestEventsRedis();
});
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  if (h) await h.client.sql`delete from outbox`;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await redis?.close();
  await h?.close();
});

function relay(options: Partial<OutboxRelayOptions> & { redis: StreamWriter; stream: string }) {
  const db = createDatabaseClient(h.database.url, { max: 3 });
  clients.push(db);
  const created = new OutboxRelay({
    db: db.db,
    listen: async (channel, onNotify) => (await db.sql.listen(channel, onNotify, onNotify)).unlisten,
    logger: createLogger({ service: "users", write: () => {} }),
    pollIntervalMs: 50,
    backoff: { initialMs: 20, maxMs: 100 },
    ...options,
  });
  relays.push(created);
  return created;
}

/** Outbox rows written as the service writes them, with explicit times to test ordering. */
async function addEvents(count: number, { occurredAt }: { occurredAt?: (i: number) => Date } = {}) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const event = userUpdated(crypto.randomUUID(), `name ${i}`);
    await new OutboxRepository(h.db).add(event);
    if (occurredAt) await h.client.sql`update outbox set occurred_at = ${occurredAt(i).toISOString()} where id = ${event.id}`;
    ids.push(event.id);
  }
  return ids;
}

const unpublished = async () => (await h.client.sql`select count(*)::int as n from outbox where published_at is null`)[0]?.n as number;
const row = async (id: string) => (await h.client.sql`select published_at, attempts, last_error from outbox where id = ${id}`)[0];

describe("OutboxRelay", () => {
  test("publishes in (occurred_at, id) order, one `envelope` field per entry, then marks the rows", async () => {
    const stream = redis.stream("order");
    const base = Date.now() - 60_000;
    const ids = await addEvents(5, { occurredAt: (i) => new Date(base + (5 - i) * 1000) }); // inserted newest first
    const published = await relay({ redis: redis.admin, stream }).publishPending();
    expect(published).toBe(5);
    const entries = await redis.entries(stream);
    expect(entries.map((e) => e.envelope.id)).toEqual([...ids].reverse());
    const raw = (await redis.admin.xRange(stream, "-", "+")) ?? [];
    expect(Object.keys(raw[0]?.message ?? {})).toEqual(["envelope"]);
    const envelope = entries[0]?.envelope;
    expect(Object.keys(envelope ?? {}).sort()).toEqual(["data", "id", "occurredAt", "traceparent", "type"]);
    expect(envelope?.type).toBe("user.updated");
    expect(envelope?.occurredAt).toBe(new Date(base + 1000).toISOString());
    expect(Object.keys(envelope?.data).sort()).toEqual(["name", "userId"]);
    expect(await unpublished()).toBe(0);
    expect(await relay({ redis: redis.admin, stream }).publishPending()).toBe(0); // nothing twice
    expect(await redis.entries(stream)).toHaveLength(5);
  });

  test("a row is marked published only after Redis acknowledged its entry", async () => {
    const stream = redis.stream("ack");
    const [id] = await addEvents(1);
    const seen: Array<{ inStream: boolean; published: unknown }> = [];
    await relay({
      redis: redis.admin,
      stream,
      afterPublish: async () => {
        seen.push({ inStream: (await redis.entries(stream)).length === 1, published: (await row(id as string))?.published_at });
      },
    }).publishPending();
    expect(seen).toEqual([{ inStream: true, published: null }]);
    expect((await row(id as string))?.published_at).not.toBeNull();
  });

  test("a crash between XADD and marking publishes the row again (at-least-once, same envelope id)", async () => {
    const stream = redis.stream("crash");
    const ids = await addEvents(3);
    let calls = 0;
    const crashing = relay({
      redis: redis.admin,
      stream,
      afterPublish: () => {
        if (++calls === 2) throw new Error("simulated crash after XADD");
      },
    });
    await expect(crashing.publishPending()).rejects.toThrow("simulated crash");
    expect((await row(ids[0] as string))?.published_at).not.toBeNull();
    expect((await row(ids[1] as string))?.published_at).toBeNull();
    expect((await row(ids[1] as string))?.last_error).toContain("simulated crash");

    expect(await relay({ redis: redis.admin, stream }).publishPending()).toBe(2);
    const published = (await redis.entries(stream)).map((e) => e.envelope.id);
    const [first, second, third] = ids as [string, string, string];
    // The batch went out in one pipeline; everything from the crash on goes out again, in order.
    expect(published).toEqual([first, second, third, second, third]);
    expect(await unpublished()).toBe(0);
  });

  test("while Redis is unreachable nothing is marked; pointed at the real one, everything goes out", async () => {
    const stream = redis.stream("down");
    const ids = await addEvents(2);
    const dead = await redis.open(redis.deadUrl);
    await expect(relay({ redis: dead, stream }).publishPending()).rejects.toThrow();
    const first = await row(ids[0] as string);
    expect(first?.published_at).toBeNull();
    expect(first?.attempts).toBe(1);
    expect(first?.last_error).toBeString();
    expect(await unpublished()).toBe(2);

    expect(await relay({ redis: redis.admin, stream }).publishPending()).toBe(2);
    expect((await redis.entries(stream)).map((e) => e.envelope.id)).toEqual(ids);
  });

  test("the running relay backs off during an outage, logs it once, and recovers on its own", async () => {
    const stream = redis.stream("outage");
    const lines: string[] = [];
    const dead = await redis.open(redis.deadUrl);
    let target: StreamWriter = dead;
    const switching: StreamWriter = { xAdd: (...args) => target.xAdd(...args) };
    const running = relay({
      redis: switching,
      stream,
      logger: createLogger({ service: "users", level: "info", write: (l) => lines.push(l) }),
    });
    running.start();
    const ids = await addEvents(3);
    await eventually(() => running.status().failedAttemptsTotal >= 4, 5_000);
    expect(running.status().state).toBe("retrying");
    expect(running.status().outageSince).toBeString();
    expect(await unpublished()).toBe(3);

    target = redis.admin;
    running.retryNow(); // what main.ts does when the events Redis client is ready again
    await eventually(async () => (await unpublished()) === 0, 5_000);
    expect((await redis.entries(stream)).map((e) => e.envelope.id)).toEqual(ids);
    await eventually(() => running.status().state === "running");
    expect(running.status().outageSince).toBeNull();
    const messages = lines.map((l) => JSON.parse(l).msg);
    expect(messages.filter((m) => m === "outbox relay cannot proceed; retrying with backoff")).toHaveLength(1);
    expect(messages.filter((m) => m === "outbox relay recovered")).toHaveLength(1);
  });

  test("two relays at once publish each row exactly once, in order", async () => {
    const stream = redis.stream("pair");
    const base = Date.now() - 3_600_000;
    const ids = await addEvents(250, { occurredAt: (i) => new Date(base + i * 10) });
    const a = relay({ redis: await redis.open(), stream, batchSize: 20 });
    const b = relay({ redis: await redis.open(), stream, batchSize: 20 });
    a.start();
    b.start();
    await eventually(async () => (await unpublished()) === 0, 20_000, 20);
    const published = (await redis.entries(stream)).map((e) => e.envelope.id);
    expect(published).toHaveLength(250);
    expect(new Set(published).size).toBe(250);
    expect(published).toEqual(ids);
    expect(a.status().publishedTotal + b.status().publishedTotal).toBe(250);
  }, 30_000);

  test("wakes on NOTIFY from the committing transaction: idle lag is milliseconds, not the poll interval", async () => {
    const stream = redis.stream("notify");
    const running = relay({ redis: redis.admin, stream, pollIntervalMs: 60_000 });
    running.start();
    await Bun.sleep(200); // LISTEN is up and the first (empty) pass is done
    const user = await h.signUp();
    const lags: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = (await redis.entries(stream)).length;
      const started = performance.now();
      await new AccountChanges(h.db).update(user.id, { name: `Name ${i}` });
      await eventually(async () => (await redis.entries(stream)).length > before, 2_000, 2);
      lags.push(performance.now() - started);
    }
    lags.sort((x, y) => x - y);
    expect(lags[2]).toBeLessThan(200);
  });

  test("published rows are pruned after the retention, also while Redis is down; unpublished rows never", async () => {
    const [old, recent, pending] = await addEvents(3);
    await h.client.sql`update outbox set published_at = now() - interval '25 hours' where id = ${old as string}`;
    await h.client.sql`update outbox set published_at = now() - interval '23 hours' where id = ${recent as string}`;
    await h.client.sql`update outbox set occurred_at = now() - interval '3 days' where id = ${pending as string}`;
    const dead = await redis.open(redis.deadUrl);
    const running = relay({ redis: dead, stream: redis.stream("prune"), retentionMs: 24 * 3_600_000, pruneIntervalMs: 10 });
    running.start();
    const remaining = async () => (await h.client.sql`select id from outbox`).map((r) => r.id);
    await eventually(async () => !(await remaining()).includes(old as string));
    expect((await remaining()).sort()).toEqual([recent, pending].sort());
  });

  test("stop() ends promptly even in the middle of a backoff", async () => {
    const dead = await redis.open(redis.deadUrl);
    const running = relay({ redis: dead, stream: redis.stream("stop"), backoff: { initialMs: 10_000, maxMs: 10_000 } });
    await addEvents(1);
    running.start();
    await eventually(() => running.status().state === "retrying");
    const started = performance.now();
    await running.stop();
    expect(performance.now() - started).toBeLessThan(500);
    expect(running.status().state).toBe("stopped");
  });
});

describe("OutboxRelay without its database", () => {
  test("backs off and reports retrying instead of crashing", async () => {
    const dead = createDatabaseClient("postgres://users:users@127.0.0.1:1/users", { max: 1 });
    clients.push(dead);
    const lines: string[] = [];
    const running = new OutboxRelay({
      db: dead.db,
      redis: redis.admin,
      stream: redis.stream("nodb"),
      logger: createLogger({ service: "users", level: "info", write: (l) => lines.push(l) }),
      backoff: { initialMs: 10, maxMs: 20 },
    });
    relays.push(running);
    running.start();
    await eventually(() => running.status().state === "retrying");
    await Bun.sleep(100);
    expect(running.status().lastError).toBeString();
    expect(lines.filter((l) => l.includes("outbox relay cannot proceed"))).toHaveLength(1);
  });
});

describe("OutboxRelay with a stalled Redis connection", () => {
  test("a connection that goes silent is dropped by the client's own timeout, and publishing resumes on a new one", async () => {
    const stream = redis.stream("silent");
    const target = new URL(redis.url);
    const proxy = await startTcpProxy({ hostname: target.hostname, port: Number(target.port || 6379) });
    const viaProxy = createEventsRedis(proxy.through(target.href), createLogger({ service: "test", write: () => {} }), {
      silenceTimeoutMs: 500,
      pingIntervalMs: 100,
    });
    try {
      await eventually(() => viaProxy.isReady);
      const opened = proxy.connectionsOpened;
      proxy.stall();
      const [id] = await addEvents(1);
      // The kit's client has no per-command timer: the silence timeout alone bounds the XADD.
      relay({ redis: viaProxy, stream, backoff: { initialMs: 20, maxMs: 100 } }).start();
      // The XADD goes unanswered: the silence timeout drops the connection and the client opens another.
      await eventually(() => proxy.connectionsOpened > opened, 5_000);
      expect(await unpublished()).toBeGreaterThanOrEqual(1);
      proxy.stall(false);
      await eventually(async () => (await unpublished()) === 0, 10_000);
      expect((await row(id as string))?.attempts).toBeGreaterThanOrEqual(1);
      expect(await redis.admin.xLen(stream)).toBe(1);
    } finally {
      await closeEventsRedis(viaProxy);
      proxy.close();
    }
  });
});
