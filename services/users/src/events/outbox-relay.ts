import { safeError } from "@msa-board/service-kit/db";
import { errorMessage, type LoopStatus, RetryLoop, type StepResult, serializeEnvelope, withDeadline } from "@msa-board/service-kit/events";
import type { Heartbeat } from "@msa-board/service-kit/liveness";
import type { Logger } from "@msa-board/service-kit/logger";
import { contextFromTraceparent, withRedisSpan } from "@msa-board/service-kit/tracing";
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import type { Database } from "../db/client.ts";
import { type ClaimedEvent, OutboxRepository } from "./outbox-repository.ts";

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
  stream: string;
  logger: Logger;
  tracer?: Tracer;
  batchSize?: number;
  pollIntervalMs?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  heartbeat?: Heartbeat;
  /** Bound for one publishing pass's transaction: postgres.js has no client-side timeout of its own. */
  databaseTimeoutMs?: number;
  retentionMs?: number;
  pruneIntervalMs?: number;
  /** Test hook: runs after Redis acknowledged an entry, before the row is marked (throw = crash). */
  afterPublish?: (event: ClaimedEvent) => void | Promise<void>;
};

export type RelayStatus = LoopStatus & { publishedTotal: number };

type BatchResult = { published: number; claimed: number; error?: unknown };

/**
 * Publishes outbox rows to the events stream, oldest first, at least once: a row is marked published
 * only after Redis acknowledged its XADD, in the transaction that holds the row's lock. Wakes on
 * NOTIFY from the inserting transaction, polls as a fallback, backs off while Redis or PostgreSQL is
 * down and says so once per outage.
 */
export class OutboxRelay {
  private readonly o: {
    db: Database;
    redis: StreamWriter;
    stream: string;
    logger: Logger;
    batchSize: number;
    pollIntervalMs: number;
    databaseTimeoutMs: number;
    retentionMs: number;
    pruneIntervalMs: number;
  };
  private readonly tracer: Tracer;
  private readonly loop: RetryLoop;
  private unlisten: (() => Promise<void>) | undefined;
  private subscribing = false;
  private listenWarned = false;
  private lastPruneAt = 0;
  private publishedTotal = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.tracer = options.tracer ?? trace.getTracer("users");
    this.o = {
      db: options.db,
      redis: options.redis,
      stream: options.stream,
      logger: options.logger.child({ component: "outbox-relay" }),
      batchSize: options.batchSize ?? 500,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      databaseTimeoutMs: options.databaseTimeoutMs ?? 10_000,
      retentionMs: options.retentionMs ?? 24 * 3_600_000,
      pruneIntervalMs: options.pruneIntervalMs ?? 60_000,
    };
    this.loop = new RetryLoop({
      name: "outbox relay",
      logger: this.o.logger,
      step: () => this.step(),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.heartbeat ? { heartbeat: options.heartbeat } : {}),
    });
  }

  /** The loop's own bookkeeping (claiming, pruning) is not traced: only publishes are, in their event's trace. */
  start(): void {
    this.loop.start((run) => context.with(suppressTracing(ROOT_CONTEXT), run));
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.unlisten?.().catch(() => {});
    this.unlisten = undefined;
  }

  /** Publish now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /** The events Redis is reachable again: end a backoff now instead of at its end. */
  retryNow(): void {
    this.loop.retryNow();
  }

  status(): RelayStatus {
    return { ...this.loop.status(), publishedTotal: this.publishedTotal };
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

  private async step(): Promise<StepResult> {
    this.subscribe();
    // Pruning needs only the database: it goes on while Redis is down.
    await this.pruneIfDue();
    const result = await this.publishBatch();
    if (result.error !== undefined) throw result.error;
    // A full batch means more may be waiting: go on at once; else sleep until a NOTIFY or the poll.
    return result.claimed === this.o.batchSize ? undefined : { idleMs: this.o.pollIntervalMs, wakeable: true };
  }

  private async publishBatch(): Promise<BatchResult> {
    const transaction = this.o.db.transaction(async (tx): Promise<BatchResult> => {
      const outbox = new OutboxRepository(tx);
      // Empty also while another relay holds the lock: this one idles until the next wake or poll.
      const batch = await outbox.claimBatch(this.o.batchSize, RELAY_LOCK_KEY);
      // Every XADD of the batch goes out at once, pipelined on the one connection: Redis appends them
      // in order, and the batch costs one round trip instead of one per row.
      const sent = await Promise.allSettled(batch.map((event) => this.publishOne(event)));
      const acknowledged: string[] = [];
      const { afterPublish } = this.options;
      let error: unknown;
      for (const [i, event] of batch.entries()) {
        const outcome = sent[i];
        try {
          if (outcome?.status === "rejected") throw outcome.reason;
          if (afterPublish) await afterPublish(event);
          acknowledged.push(event.id);
        } catch (err) {
          // Only the rows before the first failure are marked; later rows Redis did take are
          // published again next pass (at least once, in order; consumers dedupe by envelope id).
          error = err;
          await outbox.recordFailure(event.id, errorMessage(err));
          break;
        }
      }
      await outbox.markPublished(acknowledged);
      return error === undefined
        ? { published: acknowledged.length, claimed: batch.length }
        : { published: acknowledged.length, claimed: batch.length, error };
    });
    // Past the bound the pass may still finish; its advisory lock keeps the next pass from overlapping it.
    const result = await withDeadline(transaction, this.o.databaseTimeoutMs, "the users database");
    this.publishedTotal += result.published;
    return result;
  }

  /** One XADD, as a PRODUCER span in the trace of the request that caused the event. */
  private publishOne(event: ClaimedEvent): Promise<void> {
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
          // Bounded by the client's silence timeout (service-kit/events): a dead connection is dropped and reopened.
          await withRedisSpan(this.tracer, "XADD", () => this.o.redis.xAdd(this.o.stream, "*", { envelope: serializeEnvelope(envelope) }));
        } catch (err) {
          span.recordException(safeError(err) as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
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
        if (this.loop.stopped) return void unlisten().catch(() => {});
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
      const cutoff = new Date(Date.now() - this.o.retentionMs);
      const pruned = await withDeadline(
        new OutboxRepository(this.o.db).prunePublished(cutoff),
        this.o.databaseTimeoutMs,
        "the users database",
      );
      if (pruned > 0) this.o.logger.info("pruned published outbox rows", { pruned });
    } catch (err) {
      this.o.logger.warn("outbox prune failed", { err: errorMessage(err) });
    }
  }
}
