import { createNoticesRedis, type NoticesRedis } from "../notices/redis_client.ts";

/**
 * The suite needs a real Redis: `deno task test` provides one (with_test_redis.ts); a bare
 * `deno test` without TEST_REDIS_URL fails at once (never skips), saying what to run or set.
 */
export function testRedisUrl(): string {
  const url = Deno.env.get("TEST_REDIS_URL");
  if (!url) {
    throw new Error(
      "TEST_REDIS_URL is not set. The notices suite runs against a real Redis: run `deno task test` " +
        "(it starts a throw-away one), set TEST_REDIS_URL (e.g. TEST_REDIS_URL=redis://127.0.0.1:6390 deno task test), " +
        "or run `npm test` at the repository root.",
    );
  }
  return url;
}

/** Checked when the first test module loads, so a run without it stops before any test. */
export const TEST_REDIS_URL = testRedisUrl();

const runId = crypto.randomUUID().slice(0, 8);
let counter = 0;

/** A key prefix no other test (or run) shares, so tests never see each other's notices. */
export const uniqueKeyPrefix = () => `notices-test:${runId}:${++counter}:`;

export async function connectTestRedis(): Promise<NoticesRedis> {
  const redis = createNoticesRedis(TEST_REDIS_URL);
  redis.on("error", () => {}); // a test that stops Redis on purpose checks the outcome itself
  await redis.connect();
  return redis;
}

export async function keysUnder(redis: NoticesRedis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
  return keys.sort();
}

export async function deleteKeysUnder(redis: NoticesRedis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  if (keys.length > 0) await redis.del(keys);
}
