import type { Logger } from "./logger.ts";

/** Timing of a resilient node-redis connection (`resilientRedisOptions`). */
export type RedisConnectionTiming = {
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
 * node-redis options (≥ 6.2) under which every call is bounded in time by the client itself:
 * commands fail at once while disconnected (no offline queue); a silent connection is dropped after
 * `silenceTimeoutMs` and the client reconnects with a capped backoff — also after a silence, which
 * node-redis by default would not. RESP2 is pinned: replies keep the shapes the services parse.
 * node-redis's per-command `timeout` is no substitute: it only covers the wait to be written, which
 * a client without an offline queue never has. It is off: by default node-redis arms a 5 s timer
 * (AbortSignal.timeout plus a listener) for every command, half of its CPU per pipelined XADD
 * (23 → 11 µs, measured by the relay's bench).
 */
export function resilientRedisOptions({
  silenceTimeoutMs = 5_000,
  pingIntervalMs = 1_000,
  connectTimeoutMs = 2_000,
}: RedisConnectionTiming = {}) {
  return {
    RESP: 2 as const,
    disableOfflineQueue: true,
    pingInterval: pingIntervalMs,
    commandOptions: { timeout: 0 },
    socket: {
      connectTimeout: connectTimeoutMs,
      socketTimeout: silenceTimeoutMs,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000),
    },
  };
}

/** The few members of a node-redis client the watch below uses. */
type WatchedClient = {
  // biome-ignore lint/suspicious/noExplicitAny: node-redis types its listeners with any
  on(event: string, listener: (...args: any[]) => void): unknown;
  readonly isOpen: boolean;
  readonly isReady: boolean;
  destroy(): void;
  connect(): Promise<unknown>;
};

/**
 * node-redis (6.3 on Bun) can still hang in a connection attempt: when the server accepts and drops
 * the connection at once, Bun reports the close before node-redis has attached its listeners (it
 * awaits the 'connect' event first), so the handshake waits forever on a dead socket — open, never
 * ready, never retrying, and no socket timeout fires on a closed socket. The client's own bounds
 * cannot see it; this watch can: an attempt with no lifecycle event for `stuckAfterMs` is abandoned
 * and started over. (postings' event-consumer.stall.test.ts makes it happen through a proxy.)
 */
export function restartHungConnectAttempts(client: WatchedClient, logger: Logger, name: string, stuckAfterMs: number): void {
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
  // Never what keeps a process (or a Deno test) alive.
  if (typeof timer === "object" && timer && "unref" in timer) (timer as { unref(): void }).unref();
  else if (typeof timer === "number" && "Deno" in globalThis)
    (globalThis as unknown as { Deno: { unrefTimer(id: number): void } }).Deno.unrefTimer(timer);
}
