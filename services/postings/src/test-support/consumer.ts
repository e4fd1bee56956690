import { EventConsumer, type EventConsumerOptions } from "../events/event-consumer.ts";
import { userEventHandlers, userEventsBatch } from "../events/event-handlers.ts";
import { createHarness } from "./harness.ts";
import { createTestStreams } from "./redis.ts";
import { testTracing } from "./tracing.ts";

export type ConsumerFixture = Awaited<ReturnType<typeof createConsumerFixture>>;
type Names = { stream: string; deadLetterStream: string; group: string };

/** A migrated database, the app over it, and consumers on stream names of their own on the test Redis. */
export async function createConsumerFixture(prefix: string) {
  const h = await createHarness({ prefix });
  const streams = await createTestStreams();
  let n = 0;
  const consumers: EventConsumer[] = [];

  function consumer(names: Names, overrides: Partial<EventConsumerOptions> = {}): EventConsumer {
    const c = new EventConsumer({
      redis: streams.redis,
      db: h.db,
      handlers: userEventHandlers,
      // Covers only users' own handlers: a test's wrapped handler sends its batch event by event.
      batch: userEventsBatch,
      ...names,
      consumer: `consumer-${++n}`,
      logger: h.deps.logger,
      tracer: testTracing.tracer,
      blockMs: 20,
      ...overrides,
    });
    consumers.push(c);
    return c;
  }

  /** Fresh stream names with the group already created. */
  async function freshGroup(): Promise<Names> {
    const names = streams.fresh();
    await streams.redis.xGroupCreate(names.stream, names.group, "0", { MKSTREAM: true });
    return names;
  }

  /** What the app says a posting's author is now called (null once it is gone). */
  async function authorNameOf(postingId: string): Promise<string | null> {
    const res = await h.call("GET", `/postings/${postingId}`);
    return res.status === 200 ? (res.body.authorName as string) : null;
  }

  async function pendingCount(names: Names): Promise<number> {
    return Number((await streams.redis.xPending(names.stream, names.group)).pending);
  }

  return {
    h,
    streams,
    redis: streams.redis,
    consumer,
    freshGroup,
    authorNameOf,
    pendingCount,
    async close() {
      for (const c of consumers) await c.stop().catch(() => {});
      await streams.close();
      await h.close();
    },
  };
}

/** Polls until `check` is true (or throws after `timeoutMs`). */
export async function eventually(check: () => Promise<boolean> | boolean, { timeoutMs = 5_000, intervalMs = 25 } = {}): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await Bun.sleep(intervalMs);
  }
}
