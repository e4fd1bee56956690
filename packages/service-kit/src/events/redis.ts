import { createClient } from "redis";
import type { Logger } from "../logger.ts";
import { withDeadline } from "./deadline.ts";

export type EventsRedis = ReturnType<typeof newClient>;

export type EventsRedisOptions = {
  /** How the connection is named in logs ("events Redis", "events Redis (consumer)"). */
  name?: string;
  /**
   * A connection that receives nothing for this long is dropped and opened afresh (node-redis's
   * `socketTimeout`). PINGs every `pingIntervalMs` keep a healthy idle connection talking, so only a
   * silent one — a peer stopped, a stalled network, a socket left half-open by a restart — trips it.
   * A connection that carries blocking reads needs more than the longest BLOCK.
   */
  silenceTimeoutMs?: number;
  pingIntervalMs?: number;
  connectTimeoutMs?: number;
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

/**
 * node-redis (6.3 on Bun) can still hang in a connection attempt: when the server accepts and drops
 * the connection at once, Bun reports the close before node-redis has attached its listeners (it
 * awaits the 'connect' event first), so the handshake waits forever on a dead socket — open, never
 * ready, never retrying, and no socket timeout fires on a closed socket. The client's own bounds
 * cannot see it; this watch can: an attempt with no lifecycle event for `stuckAfterMs` is abandoned
 * and started over. (Reproduced by event-consumer.stall.test.ts through a proxy that does exactly that.)
 */
function restartHungConnectAttempts(client: EventsRedis, logger: Logger, name: string, stuckAfterMs: number): void {
  let lastEventAt = Date.now();
  let restarting = false;
  const seen = () => {
    lastEventAt = Date.now();
  };
  for (const event of ["connect", "ready", "error", "reconnecting"]) client.on(event, seen);
  const timer = setInterval(
    () => {
      if (restarting) return;
      if (!client.isOpen) return void clearInterval(timer); // closed on purpose
      if (client.isReady || Date.now() - lastEventAt < stuckAfterMs) return;
      restarting = true;
      logger.warn(`${name}: a connection attempt hung for ${stuckAfterMs} ms; starting over`);
      client.destroy();
      // One macrotask later: the abandoned attempt has seen the close and ended, so only one runs.
      setTimeout(() => {
        restarting = false;
        seen();
        client.connect().catch(() => {});
      }, 10);
    },
    Math.min(1_000, stuckAfterMs),
  );
  timer.unref?.();
}

function newClient(url: string, o: Required<Omit<EventsRedisOptions, "name">>) {
  return createClient({
    url,
    RESP: 2,
    disableOfflineQueue: true,
    pingInterval: o.pingIntervalMs,
    socket: {
      connectTimeout: o.connectTimeoutMs,
      socketTimeout: o.silenceTimeoutMs,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000),
    },
  });
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
