import type { Logger } from "@msa-board/service-kit/logger";
import { createClient } from "redis";

export type EventsRedis = ReturnType<typeof createClient>;

/**
 * The events Redis client. Commands fail at once while it is disconnected (no offline queue), so the
 * relay backs off instead of piling up; it reconnects on its own with a capped backoff. Connection
 * errors are logged once per outage.
 */
export function createEventsRedis(url: string, logger: Logger): EventsRedis {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000) },
  });
  let down = false;
  client.on("error", (err: Error) => {
    if (down) return;
    down = true;
    logger.warn("events Redis unreachable; reconnecting", { err: err.message });
  });
  client.on("ready", () => {
    if (down) logger.info("events Redis reachable again");
    down = false;
  });
  // Not awaited: the service starts (degraded) while Redis is down and connects when it can.
  client.connect().catch(() => {});
  return client;
}

/** True when the events Redis answers PING within the timeout. */
export async function pingEventsRedis(client: EventsRedis, timeoutMs = 500): Promise<boolean> {
  if (!client.isReady) return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      client.ping().then((reply) => reply === "PONG"),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Drops the current connection and opens a fresh one (for a connection that stopped answering). */
export function reconnectEventsRedis(client: EventsRedis): void {
  if (!client.isOpen) return;
  client.destroy();
  client.connect().catch(() => {});
}
