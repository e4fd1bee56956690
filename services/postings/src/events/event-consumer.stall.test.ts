import { afterAll, beforeAll, expect, test } from "bun:test";
import { type ConsumerFixture, createConsumerFixture } from "../test-support/consumer.ts";
import type { EventsRedis } from "./events-redis.ts";

let f: ConsumerFixture;
beforeAll(async () => {
  f = await createConsumerFixture("postings_stall");
});
afterAll(() => f.close());

test("a blocking connection that never answers is replaced instead of stalling the consumer", async () => {
  const names = await f.freshGroup();
  const calls = { destroy: 0, connect: 0 };
  // Takes the command and stays silent: the state a fast Redis restart can leave a socket in.
  const silent = {
    isOpen: true,
    isReady: true,
    on: () => undefined,
    off: () => undefined,
    sendCommand: () => new Promise(() => {}),
    destroy: () => {
      calls.destroy += 1;
    },
    connect: async () => {
      calls.connect += 1;
    },
  } as unknown as EventsRedis;
  const consumer = f.consumer(names, { blockingRedis: silent, blockMs: 10, readGraceMs: 200, backoff: { initialMs: 10, maxMs: 50 } });
  const started = performance.now();
  await consumer.start();
  while (calls.destroy === 0 && performance.now() - started < 10_000) await Bun.sleep(50);
  await consumer.stop();
  expect(calls.destroy).toBeGreaterThanOrEqual(1);
  expect(calls.connect).toBe(calls.destroy);
  expect(performance.now() - started).toBeLessThan(5_000);
}, 15_000);
