import type { Logger } from "@msa-board/service-kit/logger";
import { contextFromTraceparent, withRedisSpan } from "@msa-board/service-kit/tracing";
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import { sql } from "drizzle-orm";
import type { Database, Transaction } from "../db/client.ts";
import { type BackoffOptions, backoffDelay } from "./backoff.ts";
import { type ClaimedEvent, OutboxRepository } from "./outbox-repository.ts";
import { Sleeper } from "./sleeper.ts";

/** The one Redis command the relay needs; node-redis clients fit. */
export type StreamWriter = {
  xAdd(key: string, id: string, message: Record<string, string>): Promise<unknown>;
};

/** Subscribes to the outbox channel; resolves with an unsubscribe. postgres.js `sql.listen` fits. */
export type Listen = (channel: string, onNotify: () => void) => Promise<() => Promise<void>>;

export const OUTBOX_CHANNEL = "users_outbox";
/** Transaction advisory lock: one relay publishes at a time, so the stream keeps the outbox order. */
const RELAY_LOCK_KEY = 0x72656c61; // "rela"

export type OutboxRelayOptions = {
  db: Database;
  redis: StreamWriter;
  listen?: Listen;
  /** Drops the Redis connection and opens a new one; called when a publish gets no answer. */
  reconnectRedis?: () => void;
  stream: string;
  logger: Logger;
  tracer?: Tracer;
  batchSize?: number;
  pollIntervalMs?: number;
  backoff?: Partial<BackoffOptions>;
  publishTimeoutMs?: number;
  retentionMs?: number;
  pruneIntervalMs?: number;
  /** Test hook: runs after Redis acknowledged an entry, before the row is marked (throw = crash). */
  afterPublish?: (event: ClaimedEvent) => void | Promise<void>;
};

export type RelayStatus = {
  state: "idle" | "running" | "retrying" | "stopped";
  outageSince: string | null;
  lastError: string | null;
  publishedTotal: number;
  failedAttemptsTotal: number;
};

type BatchResult = { published: number; claimed: number; error?: unknown };

/**
 * Publishes outbox rows to the events stream, oldest first, at least once: a row is marked published
 * only after Redis acknowledged its XADD, in the transaction that holds the row's lock. Wakes on
 * NOTIFY from the inserting transaction, polls as a fallback, backs off while Redis or PostgreSQL is
 * down and says so once per outage.
 */
export class OutboxRelay {
  private readonly o: Required<Omit<OutboxRelayOptions, "listen" | "afterPublish" | "tracer" | "backoff" | "reconnectRedis">> & {
    backoff: BackoffOptions;
  };
  private readonly tracer: Tracer;
  private readonly sleeper = new Sleeper();
  private loop: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private subscribing = false;
  private listenWarned = false;
  private stopped = false;
  private lastPruneAt = 0;
  private current: RelayStatus = {
    state: "idle",
    outageSince: null,
    lastError: null,
    publishedTotal: 0,
    failedAttemptsTotal: 0,
  };

  constructor(private readonly options: OutboxRelayOptions) {
    this.tracer = options.tracer ?? trace.getTracer("users");
    this.o = {
      db: options.db,
      redis: options.redis,
      stream: options.stream,
      logger: options.logger.child({ component: "outbox-relay" }),
      batchSize: options.batchSize ?? 100,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      backoff: { initialMs: options.backoff?.initialMs ?? 100, maxMs: options.backoff?.maxMs ?? 5_000 },
      publishTimeoutMs: options.publishTimeoutMs ?? 2_000,
      retentionMs: options.retentionMs ?? 24 * 3_600_000,
      pruneIntervalMs: options.pruneIntervalMs ?? 60_000,
    };
  }

  start(): void {
    if (this.loop) return;
    this.stopped = false;
    this.sleeper.reset();
    this.current.state = "running";
    // The loop's own bookkeeping (claiming, pruning) is not traced: only publishes are, in their event's trace.
    this.loop = context.with(suppressTracing(ROOT_CONTEXT), () => this.run());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.interrupt();
    await this.loop;
    this.loop = undefined;
    await this.unlisten?.().catch(() => {});
    this.unlisten = undefined;
    this.current.state = "stopped";
  }

  /** Publish now rather than at the next poll. */
  wake(): void {
    this.sleeper.wake();
  }

  /** The events Redis is reachable again: end a backoff now instead of at its end. */
  retryNow(): void {
    if (this.current.state === "retrying") this.sleeper.cut();
  }

  status(): RelayStatus {
    return { ...this.current };
  }

  /**
   * One pass: claims up to a batch, publishes it in order, marks what Redis acknowledged. Returns how
   * many rows were published; rejects with the first failure (after keeping what succeeded).
   */
  async publishPending(): Promise<number> {
    const result = await context.with(suppressTracing(ROOT_CONTEXT), () => this.publishBatch());
    if (result.error !== undefined) throw result.error;
    return result.published;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      this.subscribe();
      let more = false;
      try {
        const result = await this.publishBatch();
        if (result.error !== undefined) throw result.error;
        if (failures > 0) this.recovered(failures);
        failures = 0;
        more = result.claimed === this.o.batchSize;
      } catch (err) {
        failures += 1;
        this.failed(err, failures);
      }
      await this.pruneIfDue();
      if (failures > 0) await this.sleeper.sleep(backoffDelay(failures, this.o.backoff), { wakeable: false });
      else if (!more) await this.sleeper.sleep(this.o.pollIntervalMs, { wakeable: true });
    }
  }

  private async publishBatch(): Promise<BatchResult> {
    const result = await this.o.db.transaction(async (tx): Promise<BatchResult> => {
      const [lock] = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}) as locked`);
      if (!lock?.locked) return { published: 0, claimed: 0 }; // another relay is publishing right now
      const outbox = new OutboxRepository(tx);
      const batch = await outbox.claimBatch(this.o.batchSize);
      let published = 0;
      for (const event of batch) {
        try {
          await this.publishOne(tx, event);
          published += 1;
        } catch (error) {
          await outbox.recordFailure(event.id, errorMessage(error));
          return { published, claimed: batch.length, error };
        }
      }
      return { published, claimed: batch.length };
    });
    this.current.publishedTotal += result.published;
    return result;
  }

  private publishOne(tx: Transaction, event: ClaimedEvent): Promise<void> {
    const { envelope } = event;
    return this.tracer.startActiveSpan(
      `events publish ${envelope.type}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          "messaging.system": "redis",
          "messaging.operation.type": "send",
          "messaging.destination.name": this.o.stream,
          "messaging.message.id": envelope.id,
          "event.type": envelope.type,
        },
      },
      contextFromTraceparent(envelope.traceparent),
      async (span) => {
        try {
          await withRedisSpan(this.tracer, "XADD", () =>
            withTimeout(this.o.redis.xAdd(this.o.stream, "*", { envelope: JSON.stringify(envelope) }), this.o.publishTimeoutMs),
          );
          await this.options.afterPublish?.(event);
          await new OutboxRepository(tx).markPublished(envelope.id);
        } catch (err) {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
          // A connection that takes commands but never answers (seen when Redis is killed and back
          // within one reconnect attempt) would stall the relay for good: start a fresh one.
          if (err instanceof NoAnswerError) this.options.reconnectRedis?.();
          throw err;
        } finally {
          span.end();
        }
      },
    );
  }

  private subscribe(): void {
    const { listen } = this.options;
    if (!listen || this.unlisten || this.subscribing) return;
    this.subscribing = true;
    listen(OUTBOX_CHANNEL, () => this.wake())
      .then((unlisten) => {
        this.listenWarned = false;
        if (this.stopped) return void unlisten().catch(() => {});
        this.unlisten = unlisten;
      })
      .catch((err) => {
        if (this.listenWarned) return;
        this.listenWarned = true;
        this.o.logger.warn("outbox relay could not LISTEN; polling until it can", { err: errorMessage(err) });
      })
      .finally(() => {
        this.subscribing = false;
      });
  }

  private async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPruneAt < this.o.pruneIntervalMs) return;
    this.lastPruneAt = Date.now();
    try {
      const pruned = await new OutboxRepository(this.o.db).prunePublished(new Date(Date.now() - this.o.retentionMs));
      if (pruned > 0) this.o.logger.info("pruned published outbox rows", { pruned });
    } catch (err) {
      this.o.logger.warn("outbox prune failed", { err: errorMessage(err) });
    }
  }

  private failed(err: unknown, failures: number): void {
    this.current.failedAttemptsTotal += 1;
    this.current.lastError = errorMessage(err);
    if (failures === 1) {
      this.current.state = "retrying";
      this.current.outageSince = new Date().toISOString();
      this.o.logger.warn("outbox relay cannot publish; retrying with backoff", { err: this.current.lastError });
    } else {
      this.o.logger.debug("outbox relay retry failed", { attempt: failures, err: this.current.lastError });
    }
  }

  private recovered(failures: number): void {
    const since = this.current.outageSince;
    this.o.logger.info("outbox relay recovered", {
      failedAttempts: failures,
      outageMs: since ? Date.now() - Date.parse(since) : undefined,
    });
    this.current = { ...this.current, state: "running", outageSince: null, lastError: null };
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

class NoAnswerError extends Error {
  override name = "NoAnswerError";
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswerError(`no answer from the events Redis within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
