import type { EventsRedis } from "@msa-board/service-kit/events";
import { requireTestEnv } from "@msa-board/service-kit/test-support";
import { createClient } from "redis";

export type TestStreams = {
  redis: EventsRedis;
  url: string;
  stream: string;
  deadLetterStream: string;
  group: string;
  /** A fresh set of names on the same Redis (for tests that need their own stream). */
  fresh(): { stream: string; deadLetterStream: string; group: string };
  close(): Promise<void>;
};

/**
 * The events Redis of TEST_EVENTS_REDIS_URL, with stream and group names unique to this run (the
 * Redis is shared with other suites and people); every key made through `fresh` is deleted by close.
 */
export async function createTestStreams(): Promise<TestStreams> {
  const url = requireTestEnv("TEST_EVENTS_REDIS_URL");
  const redis: EventsRedis = createClient({ url, RESP: 2 });
  await redis.connect();
  const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const keys: string[] = [];
  let n = 0;
  const fresh = () => {
    const base = `test:postings:${run}:${++n}`;
    const names = { stream: `${base}:events`, deadLetterStream: `${base}:events.dead`, group: `postings-${run}-${n}` };
    keys.push(names.stream, names.deadLetterStream);
    return names;
  };
  const first = fresh();
  return {
    redis,
    url,
    ...first,
    fresh,
    async close() {
      if (keys.length > 0) await redis.del(keys);
      await redis.quit();
    },
  };
}

export type EnvelopeInput = { id?: string; type: string; occurredAt?: string; traceparent?: string | null; data: Record<string, unknown> };

export function envelope(input: EnvelopeInput) {
  return {
    id: input.id ?? Bun.randomUUIDv7(),
    type: input.type,
    occurredAt: input.occurredAt ?? new Date().toISOString(),
    traceparent: input.traceparent ?? null,
    data: input.data,
  };
}

/** Appends an envelope to a stream as users does (field `envelope` = JSON); returns the entry id. */
export async function publish(redis: EventsRedis, stream: string, value: EnvelopeInput | string): Promise<string> {
  const raw = typeof value === "string" ? value : JSON.stringify(envelope(value));
  return redis.xAdd(stream, "*", { envelope: raw });
}
