import { afterEach, expect, test } from "bun:test";
import { createClient } from "@redis/client";
import { createLogger } from "../logger.ts";
import { requireTestEnv } from "../test-support/env.ts";
import { closeEventsRedis, createEventsRedis } from "./redis.ts";

const url = () => requireTestEnv("TEST_EVENTS_REDIS_URL");
const quiet = createLogger({ service: "test", write: () => {} });

/** How many timers `AbortSignal.timeout` armed while `work` ran. */
async function timersArmedDuring(work: () => Promise<unknown>): Promise<number> {
  const original = AbortSignal.timeout;
  let armed = 0;
  AbortSignal.timeout = (ms: number) => {
    armed++;
    return original.call(AbortSignal, ms);
  };
  try {
    await work();
  } finally {
    AbortSignal.timeout = original;
  }
  return armed;
}

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

test("the events client arms no per-command timer; node-redis's default client does, once per command", async () => {
  const kitClient = createEventsRedis(url(), quiet);
  closers.push(() => closeEventsRedis(kitClient));
  const defaultClient = createClient({ url: url() });
  closers.push(() => defaultClient.close());
  await defaultClient.connect();
  const deadline = Date.now() + 10_000;
  while (!kitClient.isReady && Date.now() < deadline) await Bun.sleep(20);
  expect(kitClient.isReady).toBe(true);

  const pings = (client: { ping(): Promise<string> }) => Promise.all(Array.from({ length: 50 }, () => client.ping()));
  expect(await timersArmedDuring(() => pings(defaultClient))).toBeGreaterThanOrEqual(50);
  expect(await timersArmedDuring(() => pings(kitClient))).toBe(0);
});
