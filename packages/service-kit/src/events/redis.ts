// node-redis' core client: the `redis` package adds the RedisBloom, JSON, Search and TimeSeries
// command sets (~180 more modules, ~3.5 MiB resident per process), which streams never use.
import { createClient } from "@redis/client";
import type { Logger } from "../logger.ts";
import { type RedisConnectionTiming, resilientRedisOptions, restartHungConnectAttempts } from "../redis-connection.ts";
import { withDeadline } from "./deadline.ts";

export type EventsRedis = ReturnType<typeof newClient>;

export type EventsRedisOptions = RedisConnectionTiming & {
  /** How the connection is named in logs ("events Redis", "events Redis (consumer)"). */
  name?: string;
};

/**
 * A client for the events Redis. Every call on it is bounded in time by the client's own options:
 * commands fail at once while it is disconnected (no offline queue), so loops back off instead of
 * piling up; a silent connection is dropped after `silenceTimeoutMs`; it reconnects by itself with a
 * capped backoff — also after a silence, which node-redis by default would not — and logs once per
 * outage. RESP2 is pinned: raw stream replies are parsed in that shape (stream-entries.ts).
 *
 * Needs node-redis ≥ 6.2: earlier versions can hang for good in the connection handshake when the
 * socket dies during it (redis/node-redis#3346, #3374) — the consumer stall of issue #17.
 *
 * Not awaited: the service starts (degraded) while Redis is down and connects when it can.
 */
export function createEventsRedis(url: string, logger: Logger, options: EventsRedisOptions = {}): EventsRedis {
  const { name = "events Redis", silenceTimeoutMs = 5_000, pingIntervalMs = 1_000, connectTimeoutMs = 2_000 } = options;
  const client = newClient(url, { silenceTimeoutMs, pingIntervalMs, connectTimeoutMs });
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
  restartHungConnectAttempts(client, logger, name, connectTimeoutMs + silenceTimeoutMs);
  client.connect().catch(() => {});
  return client;
}

function newClient(url: string, timing: RedisConnectionTiming) {
  return createClient({ url, ...resilientRedisOptions(timing) });
}

/** Closes a client whatever state it is in (connected, reconnecting or never connected). */
export async function closeEventsRedis(client: EventsRedis): Promise<void> {
  if (!client.isOpen) return;
  if (client.isReady) await client.close().catch(() => client.destroy());
  else client.destroy();
}

/** True when the client is connected and answers PING within `timeoutMs` (for readiness probes). */
export async function pingEventsRedis(client: EventsRedis, timeoutMs = 500): Promise<boolean> {
  if (!client.isReady) return false;
  try {
    return (await withDeadline(client.ping(), timeoutMs, "the events Redis")) === "PONG";
  } catch {
    return false;
  }
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
