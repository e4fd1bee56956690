import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeEventsRedis, createEventsRedis } from "@msa-board/service-kit/events";
import { Liveness } from "@msa-board/service-kit/liveness";
import { startTcpProxy } from "@msa-board/service-kit/test-support";
import { type ConsumerFixture, createConsumerFixture, eventually } from "../test-support/consumer.ts";
import { publish } from "../test-support/redis.ts";
import { type EventHandlers, userUpdatedHandler } from "./event-handlers.ts";

// Issue #17: after the events Redis died at an unlucky moment, the consumer logged "reachable again"
// and then nothing, for good. The cause was node-redis < 6.2 hanging in its connection handshake
// when the socket died during it (redis/node-redis#3346): the client stayed open, never ready, and
// never retried. These tests make those moments happen on purpose, through a proxy in front of the
// real test Redis, so each run hits them instead of one run in two.

let f: ConsumerFixture;
beforeAll(async () => {
  f = await createConsumerFixture("postings_stall");
});
afterAll(() => f?.close());

const later = (ms: number) => new Date(Date.now() + ms).toISOString();

async function proxied() {
  const target = new URL(f.streams.url);
  const proxy = await startTcpProxy({ hostname: target.hostname, port: Number(target.port || 6379) });
  const redis = createEventsRedis(proxy.through(target.href), f.h.deps.logger, { silenceTimeoutMs: 1_000, pingIntervalMs: 200 });
  return { proxy, redis };
}

describe("the consumer never goes silent", () => {
  test("connections cut in the middle of their handshake (Redis back at an unlucky moment) do not stall it", async () => {
    const names = await f.freshGroup();
    const { proxy, redis } = await proxied();
    const user = await f.h.user("Handshake");
    const posting = await f.h.post(user);
    const liveness = new Liveness();
    const c = f.consumer(names, {
      redis,
      blockMs: 100,
      readGraceMs: 500,
      backoff: { initialMs: 20, maxMs: 200 },
      heartbeat: liveness.register("event consumer", 5_000),
    });
    try {
      c.start();
      await publish(f.redis, names.stream, { type: "user.updated", occurredAt: later(0), data: { userId: user.id, name: "Before" } });
      await eventually(async () => (await f.authorNameOf(posting.id)) === "Before");

      // Both connections (commands, blocking read) reconnect into handshakes that die half-way.
      proxy.down();
      proxy.cutNextConnections(4);
      proxy.dropNextHandshakes(4);
      proxy.up();
      await publish(f.redis, names.stream, { type: "user.updated", occurredAt: later(1_000), data: { userId: user.id, name: "After" } });

      await eventually(async () => (await f.authorNameOf(posting.id)) === "After", { timeoutMs: 15_000 });
      expect(redis.isReady).toBe(true);
      await eventually(() => c.status().state === "running");
      expect(liveness.report().live).toBe(true);
    } finally {
      await c.stop();
      await closeEventsRedis(redis);
      proxy.close();
    }
  }, 30_000);

  test("a link that goes silent (a stopped Redis, a stalled network) is dropped by the client's own timeout", async () => {
    const names = await f.freshGroup();
    const { proxy, redis } = await proxied();
    const user = await f.h.user("Silent");
    const posting = await f.h.post(user);
    const c = f.consumer(names, { redis, blockMs: 200, readGraceMs: 500, backoff: { initialMs: 20, maxMs: 200 } });
    try {
      c.start();
      await publish(f.redis, names.stream, { type: "user.updated", occurredAt: later(0), data: { userId: user.id, name: "Before" } });
      await eventually(async () => (await f.authorNameOf(posting.id)) === "Before");

      const before = proxy.connectionsOpened;
      proxy.stall();
      // Nothing answers: both connections must be given up on by their silence timeouts and replaced.
      await eventually(() => proxy.connectionsOpened >= before + 2, { timeoutMs: 10_000 });
      await publish(f.redis, names.stream, { type: "user.updated", occurredAt: later(1_000), data: { userId: user.id, name: "After" } });
      expect(await f.authorNameOf(posting.id)).toBe("Before");
      proxy.stall(false);

      await eventually(async () => (await f.authorNameOf(posting.id)) === "After", { timeoutMs: 15_000 });
      await eventually(() => c.status().state === "running");
    } finally {
      await c.stop();
      await closeEventsRedis(redis);
      proxy.close();
    }
  }, 30_000);

  test("a database transaction past its bound is an outage: retried, and the event still applied exactly once", async () => {
    const names = await f.freshGroup();
    const user = await f.h.user("Slow Database");
    const posting = await f.h.post(user);
    let calls = 0;
    const slow: EventHandlers = {
      "user.updated": {
        data: userUpdatedHandler.data,
        async handle(tx, event) {
          calls += 1;
          // The first attempt outlives the consumer's bound (a stopped PostgreSQL answers late, if ever).
          if (calls === 1) await Bun.sleep(800);
          return userUpdatedHandler.handle(tx, event);
        },
      },
    };
    const c = f.consumer(names, { handlers: slow, blockMs: 50, databaseTimeoutMs: 200, backoff: { initialMs: 20, maxMs: 100 } });
    try {
      c.start();
      await publish(f.redis, names.stream, { type: "user.updated", occurredAt: later(0), data: { userId: user.id, name: "Late" } });
      await eventually(async () => (await f.pendingCount(names)) === 0 && (await f.authorNameOf(posting.id)) === "Late", {
        timeoutMs: 10_000,
      });
      const status = c.status();
      // One attempt ran out of time, the late commit was found by the dedupe record on the retry.
      expect(status.applied + status.duplicates).toBe(1);
      expect(status.failedAttemptsTotal).toBeGreaterThanOrEqual(1);
      expect(f.h.logs.some((l) => l.includes("no answer from the postings database within 200 ms"))).toBe(true);
    } finally {
      await c.stop();
    }
  }, 20_000);
});
