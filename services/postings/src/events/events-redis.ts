import type { Logger } from "@msa-board/service-kit/logger";
import { createClient } from "redis";

export type EventsRedis = ReturnType<typeof createClient>;

/**
 * A client for the events Redis. Commands fail at once while it is disconnected (no offline queue),
 * so callers back off instead of piling up; it reconnects by itself with a capped backoff and logs
 * once per outage. Not awaited: the service starts (degraded) while Redis is down.
 */
export function createEventsRedis(url: string, logger: Logger, name = "events Redis"): EventsRedis {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000) },
  });
  watchConnection(client, logger, name);
  client.connect().catch(() => {});
  return client;
}

/** A second connection with the same settings, for a blocking read that must not hold up other commands. */
export function duplicateEventsRedis(client: EventsRedis, logger: Logger, name: string): EventsRedis {
  const duplicate = client.duplicate();
  watchConnection(duplicate, logger, name);
  duplicate.connect().catch(() => {});
  return duplicate;
}

function watchConnection(client: EventsRedis, logger: Logger, name: string): void {
  let down = false;
  client.on("error", (err: Error) => {
    if (down) return;
    down = true;
    logger.warn(`${name} unreachable; reconnecting`, { err: err.message });
  });
  client.on("ready", () => {
    if (down) logger.info(`${name} reachable again`);
    down = false;
  });
}

/** Closes a client whatever state it is in (connected, reconnecting or never connected). */
export async function closeEventsRedis(client: EventsRedis): Promise<void> {
  if (!client.isOpen) return;
  if (client.isReady) {
    await client.close().catch(() => client.destroy());
  } else {
    client.destroy();
  }
}

/** True when the events Redis answers PING within the timeout. */
export async function pingEventsRedis(client: EventsRedis, timeoutMs = 500): Promise<boolean> {
  if (!client.isReady) return false;
  try {
    return (await withTimeout(client.ping(), timeoutMs)) === "PONG";
  } catch {
    return false;
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what = "the events Redis"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves true once the client is ready (connected), or false after `timeoutMs`. */
export function whenReady(client: EventsRedis, timeoutMs: number): Promise<boolean> {
  if (client.isReady) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onReady = () => finish(true);
    const timer = setTimeout(() => finish(false), timeoutMs);
    function finish(ready: boolean) {
      clearTimeout(timer);
      client.off("ready", onReady);
      resolve(ready);
    }
    client.on("ready", onReady);
  });
}
