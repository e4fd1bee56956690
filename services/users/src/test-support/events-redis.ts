import { createEventsRedis, type EventsRedis } from "@msa-board/service-kit/events";
import { createLogger, type Logger } from "@msa-board/service-kit/logger";
import { requireTestEnv } from "@msa-board/service-kit/test-support";

// biome-ignore lint/suspicious/noExplicitAny: tests read whichever event payload they published
export type StreamEntry = { id: string; envelope: { id: string; type: string; occurredAt: string; traceparent: string | null; data: any } };

/**
 * The real events Redis of TEST_EVENTS_REDIS_URL (shared with other suites, so every suite uses its
 * own stream key and deletes it), and a client for a port where nothing listens.
 */
export async function createTestEventsRedis(logger: Logger = createLogger({ service: "test", write: () => {} })) {
  const url = requireTestEnv("TEST_EVENTS_REDIS_URL");
  const clients: EventsRedis[] = [];
  const open = async (target = url) => {
    const client = createEventsRedis(target, logger);
    clients.push(client);
    if (target === url) {
      const deadline = Date.now() + 5_000;
      while (!client.isReady && Date.now() < deadline) await Bun.sleep(10);
      if (!client.isReady) throw new Error(`cannot reach the events Redis at ${url}`);
    }
    return client;
  };
  const admin = await open();
  const streams: string[] = [];
  return {
    url,
    /** Where nothing listens: commands fail at once (no offline queue). */
    deadUrl: "redis://127.0.0.1:1",
    open,
    admin,
    stream(tag: string) {
      const key = `test:users:${tag}:${Date.now().toString(36)}:${Math.random().toString(36).slice(2, 8)}`;
      streams.push(key);
      return key;
    },
    async entries(stream: string): Promise<StreamEntry[]> {
      const rows = (await admin.xRange(stream, "-", "+")) ?? [];
      return rows.map((row) => ({ id: row.id, envelope: JSON.parse(String(row.message.envelope)) }));
    },
    async close() {
      if (streams.length > 0) await admin.del(streams);
      for (const client of clients) {
        if (client.isOpen) await client.close().catch(() => {});
        else client.destroy();
      }
    },
  };
}

/** Polls until the condition holds (or fails after the timeout). */
export async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs = 5_000, stepMs = 10): Promise<number> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await Bun.sleep(stepMs);
  }
  return performance.now() - started;
}
