import {
  createEventsRedis,
  type EventsRedis,
  type LoopState,
  RetryLoop,
  type StreamEntry,
  whenReady,
  withDeadline,
} from "@msa-board/service-kit/events";
import type { Heartbeat } from "@msa-board/service-kit/liveness";
import type { Logger } from "@msa-board/service-kit/logger";
import { context, ROOT_CONTEXT, type Tracer, trace } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import { lt } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { processedEvents } from "../db/schema.ts";
import { type ConsumerCounters, EntryHandler } from "./entry-handler.ts";
import type { BatchHandler, EventHandlers } from "./event-handlers.ts";
import { type ConsumerStats, GroupReader } from "./group-reader.ts";

export type { EntryOutcome } from "./entry-handler.ts";
export type { ConsumerStats } from "./group-reader.ts";

export type EventConsumerOptions = {
  /** Every command but the blocking read. */
  redis: EventsRedis;
  /** The blocking XREADGROUP's own connection; by default one the consumer opens (and closes) on `redisUrl`. */
  blockingRedis?: EventsRedis;
  /** Where the default blocking connection goes (the URL `redis` was made from). */
  redisUrl?: string;
  db: Database;
  handlers: EventHandlers;
  /** Applies whole batches of the events it covers with a few statements (e.g. userEventsBatch); without it, event by event. */
  batch?: BatchHandler;
  stream: string;
  group: string;
  /** Unique per process (hostname-pid, or CONSUMER_NAME): a restart under the same name resumes its own pending entries. */
  consumer: string;
  deadLetterStream: string;
  logger: Logger;
  tracer?: Tracer;
  heartbeat?: Heartbeat;
  /** How long one XREADGROUP waits for new entries. */
  blockMs?: number;
  /** Entries per read (XREADGROUP / XAUTOCLAIM COUNT). */
  batchSize?: number;
  /** Events applied in one PostgreSQL transaction at most (each in a savepoint of its own). */
  maxEventsPerTransaction?: number;
  /** How often entries pending too long (any consumer's) are claimed and redone. */
  claimIntervalMs?: number;
  /** How long an entry must have been pending before it is claimed: longer than handling one ever takes. */
  claimMinIdleMs?: number;
  /** Deliveries (XPENDING's counter) after which a failing event goes to the dead-letter stream. */
  maxDeliveries?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  /** How long handled event ids are remembered for dedupe; longer than any redelivery can be late. */
  processedRetentionMs?: number;
  pruneIntervalMs?: number;
  /** How long past its BLOCK time a read may stay unanswered before its connection is dropped and reopened. */
  readGraceMs?: number;
  /** Bound for each database transaction or query of the consumer. */
  databaseTimeoutMs?: number;
};

export const DEFAULT_BATCH_SIZE = 256;
/** Within PostgreSQL's per-backend cache of 64 subtransaction ids (savepoint-batch.ts). */
export const DEFAULT_EVENTS_PER_TRANSACTION = 64;

export type ConsumerStatus = ConsumerCounters & {
  state: LoopState;
  consumer: string;
  outageSince: string | null;
  lastError: string | null;
  failedAttemptsTotal: number;
};

/**
 * Consumes the events stream as one member of a consumer group, at least once, applying each event
 * exactly once (entry-handler.ts), a batch of entries per read and per transaction. After any failure it first redoes the group check and its own
 * pending entries; every `claimIntervalMs` it claims entries pending too long (a crashed or stuck
 * member's). Every call is bounded in time, so each step ends and reports progress to liveness.
 */
export class EventConsumer {
  private readonly logger: Logger;
  private readonly reader: GroupReader;
  private readonly entries: EntryHandler;
  private readonly loop: RetryLoop;
  private blocking: EventsRedis | undefined;
  private readonly ownsBlocking: boolean;
  private readonly blockingSilenceMs: number;
  private readonly counters: ConsumerCounters = { applied: 0, duplicates: 0, handlerFailures: 0, deadLettered: 0, reclaimed: 0 };
  private readonly s: {
    blockMs: number;
    claimIntervalMs: number;
    claimMinIdleMs: number;
    processedRetentionMs: number;
    pruneIntervalMs: number;
    databaseTimeoutMs: number;
  };
  private setUp = false;
  private nextClaimAt = 0;
  private lastPruneAt = 0;

  constructor(private readonly options: EventConsumerOptions) {
    this.logger = options.logger.child({ component: "event-consumer", consumer: options.consumer });
    const tracer = options.tracer ?? trace.getTracer("postings");
    const blockMs = options.blockMs ?? 2_000;
    this.s = {
      blockMs,
      claimIntervalMs: options.claimIntervalMs ?? 5_000,
      claimMinIdleMs: options.claimMinIdleMs ?? 10_000,
      processedRetentionMs: options.processedRetentionMs ?? 7 * 24 * 3_600_000,
      pruneIntervalMs: options.pruneIntervalMs ?? 3_600_000,
      databaseTimeoutMs: options.databaseTimeoutMs ?? 10_000,
    };
    this.ownsBlocking = options.blockingRedis === undefined;
    this.blocking = options.blockingRedis;
    this.blockingSilenceMs = blockMs + (options.readGraceMs ?? 5_000);
    const names = { stream: options.stream, group: options.group, consumer: options.consumer, deadLetterStream: options.deadLetterStream };
    this.reader = new GroupReader(options.redis, () => this.blocking, names, options.batchSize ?? DEFAULT_BATCH_SIZE);
    this.entries = new EntryHandler({
      reader: this.reader,
      names,
      db: options.db,
      handlers: options.handlers,
      ...(options.batch ? { batch: options.batch } : {}),
      logger: this.logger,
      tracer,
      counters: this.counters,
      maxDeliveries: options.maxDeliveries ?? 5,
      transactionTimeoutMs: this.s.databaseTimeoutMs,
      maxPerTransaction: options.maxEventsPerTransaction ?? DEFAULT_EVENTS_PER_TRANSACTION,
    });
    this.loop = new RetryLoop({
      name: "event consumer",
      logger: this.logger,
      step: () => this.step(),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.heartbeat ? { heartbeat: options.heartbeat } : {}),
    });
  }

  /** Polling, claiming and pruning are not traced: only handled events are, each in its own trace. */
  start(): void {
    this.blockingConnection();
    this.loop.start((run) => context.with(suppressTracing(ROOT_CONTEXT), run));
  }

  /** Finishes the entry in hand (if any), then stops; entries read but not handled stay pending for a restart or another member. */
  async stop(): Promise<void> {
    const stopping = this.loop.stop();
    // A blocked XREADGROUP would hold shutdown for up to blockMs; closing its connection ends it now.
    if (this.ownsBlocking && this.blocking?.isOpen) this.blocking.destroy();
    await stopping;
    if (this.ownsBlocking) this.blocking = undefined;
  }

  status(): ConsumerStatus {
    return { ...this.loop.status(), consumer: this.options.consumer, ...this.counters };
  }

  /** Lag, pending entries and dead letters, from Redis; bounded for readiness probes. */
  stats(timeoutMs = 500): Promise<ConsumerStats> {
    return withDeadline(this.reader.stats(), timeoutMs, "the events Redis");
  }

  async ensureGroup(): Promise<void> {
    if (await this.reader.ensureGroup())
      this.logger.info("created consumer group", { stream: this.options.stream, group: this.options.group });
  }

  /** One reclaim pass: claims entries idle at least `claimMinIdleMs` (any member's) and handles them. */
  async reclaim(): Promise<number> {
    let start = "0-0";
    let claimed = 0;
    do {
      const { next, entries } = await this.reader.claimIdle(this.s.claimMinIdleMs, start);
      start = next;
      if (entries.length > 0) {
        claimed += entries.length;
        this.counters.reclaimed += entries.length;
        this.logger.info("claimed entries pending too long", { count: entries.length, minIdleMs: this.s.claimMinIdleMs });
        await this.handleAll(entries, await this.reader.deliveryCounts(entries));
      }
    } while (start !== "0-0" && !this.loop.stopped);
    return claimed;
  }

  /** Handles what this consumer name read before but never acknowledged (a restart after a crash). */
  async resumeOwnPending(): Promise<number> {
    let after = "0";
    let resumed = 0;
    while (!this.loop.stopped) {
      const entries = await this.reader.readOwnPending(after);
      if (entries.length === 0) break;
      resumed += entries.length;
      await this.handleAll(entries, await this.reader.deliveryCounts(entries));
      after = entries.at(-1)?.id ?? after;
    }
    if (resumed > 0) this.logger.info("resumed own pending entries", { count: resumed });
    return resumed;
  }

  /** Reads and handles one batch of new entries, waiting up to `blockMs` for them. */
  async readNew(blockMs = this.s.blockMs): Promise<number> {
    const entries = await this.reader.readNew(blockMs);
    await this.handleAll(entries, new Map(entries.map((e) => [e.id, 1])));
    return entries.length;
  }

  /** Handles one entry (see EntryHandler); for tests that drive the consumer step by step. */
  handleEntry(entry: StreamEntry, deliveries: number) {
    return this.entries.handle(entry, deliveries);
  }

  private async step(): Promise<undefined> {
    try {
      if (!this.setUp) {
        // Not a failure yet while the connections are (re)connecting: give them a moment first.
        await Promise.all([whenReady(this.options.redis, 2_000), whenReady(this.blockingConnection(), 2_000)]);
        await this.ensureGroup();
        await this.resumeOwnPending();
        this.setUp = true;
      }
      if (Date.now() >= this.nextClaimAt) {
        await this.reclaim();
        await this.pruneIfDue();
        this.nextClaimAt = Date.now() + this.s.claimIntervalMs;
      }
      if (!this.loop.stopped) await this.readNew(Math.min(this.s.blockMs, Math.max(1, this.nextClaimAt - Date.now())));
    } catch (err) {
      // After any outage, redo the group check and this member's own pending entries first.
      this.setUp = false;
      throw err;
    }
    return undefined;
  }

  private async handleAll(entries: StreamEntry[], deliveries: Map<string, number>): Promise<void> {
    await this.entries.handleBatch(entries, deliveries, () => this.loop.stopped);
  }

  private async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPruneAt < this.s.pruneIntervalMs) return;
    this.lastPruneAt = Date.now();
    const cutoff = new Date(Date.now() - this.s.processedRetentionMs);
    const pruned = await withDeadline(
      this.options.db.delete(processedEvents).where(lt(processedEvents.processedAt, cutoff)).returning({ id: processedEvents.eventId }),
      this.s.databaseTimeoutMs,
      "the postings database",
    );
    if (pruned.length > 0) this.logger.info("pruned old dedupe records", { pruned: pruned.length });
  }

  /** The blocking read's connection: the one given, or one of its own, opened on first use and after a stop. */
  private blockingConnection(): EventsRedis {
    if (this.blocking) return this.blocking;
    const url = this.options.redisUrl ?? urlOf(this.options.redis);
    this.blocking = createEventsRedis(url, this.logger, { name: "events Redis (consumer)", silenceTimeoutMs: this.blockingSilenceMs });
    return this.blocking;
  }
}

function urlOf(client: EventsRedis): string {
  const url = client.options?.url;
  if (!url) throw new Error("EventConsumer needs `redisUrl` (or `blockingRedis`) when `redis` was not made from a URL");
  return url;
}
