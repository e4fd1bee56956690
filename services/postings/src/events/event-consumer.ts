import type { Logger } from "@msa-board/service-kit/logger";
import { contextFromTraceparent, withRedisSpan } from "@msa-board/service-kit/tracing";
import { type Attributes, context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import { lt } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { processedEvents } from "../db/schema.ts";
import { type BackoffOptions, backoffDelay, InterruptibleSleep } from "./backoff.ts";
import { describeIssues, type Envelope, parseEnvelope } from "./envelope.ts";
import type { EventHandlers } from "./event-handlers.ts";
import { closeEventsRedis, duplicateEventsRedis, type EventsRedis, whenReady, withTimeout } from "./events-redis.ts";
import { isOutage } from "./outage.ts";
import { entriesOfReadReply, type StreamEntry } from "./stream-entries.ts";

export type EventConsumerOptions = {
  /** Every command but the blocking read. */
  redis: EventsRedis;
  /** The blocking XREADGROUP's own connection; by default a duplicate of `redis` the consumer opens and closes. */
  blockingRedis?: EventsRedis;
  db: Database;
  handlers: EventHandlers;
  stream: string;
  group: string;
  /** Unique per process (hostname-pid, or CONSUMER_NAME): a restart under the same name resumes its own pending entries. */
  consumer: string;
  deadLetterStream: string;
  logger: Logger;
  tracer?: Tracer;
  /** How long one XREADGROUP waits for new entries. */
  blockMs?: number;
  batchSize?: number;
  /** How often entries pending too long (any consumer's) are claimed and redone. */
  claimIntervalMs?: number;
  /** How long an entry must have been pending before it is claimed: longer than handling one ever takes. */
  claimMinIdleMs?: number;
  /** Deliveries (XPENDING's counter) after which a failing event goes to the dead-letter stream. */
  maxDeliveries?: number;
  backoff?: Partial<BackoffOptions>;
  /** How long handled event ids are remembered for dedupe; longer than any redelivery can be late. */
  processedRetentionMs?: number;
  pruneIntervalMs?: number;
  /** How long past its BLOCK time a read may stay unanswered before its connection is replaced. */
  readGraceMs?: number;
  /** Bound for each non-blocking Redis command. */
  commandTimeoutMs?: number;
};

export type ConsumerState = "idle" | "running" | "backing-off" | "stopped";

export type ConsumerStatus = {
  state: ConsumerState;
  consumer: string;
  outageSince: string | null;
  lastError: string | null;
  applied: number;
  duplicates: number;
  handlerFailures: number;
  deadLettered: number;
  reclaimed: number;
};

export type ConsumerStats = { lag: number | null; pending: number; deadLetters: number };

export type EntryOutcome = "applied" | "duplicate" | "dead-lettered" | "failed" | "gone";

type Settings = Required<Omit<EventConsumerOptions, "blockingRedis" | "tracer" | "backoff" | "handlers" | "redis" | "db" | "logger">> & {
  backoff: BackoffOptions;
};

/**
 * Consumes the events stream as one member of a consumer group, at least once, applying each event
 * exactly once: the handler and the event's dedupe record commit in one PostgreSQL transaction, and
 * the entry is XACKed only after that commit. Entries pending too long (a crashed or stuck member's)
 * are claimed and redone; poison entries go to the dead-letter stream instead of blocking the rest.
 * Each handled event is a CONSUMER span in the trace of the request that caused it.
 */
export class EventConsumer {
  private readonly s: Settings;
  private readonly redis: EventsRedis;
  private readonly db: Database;
  private readonly handlers: EventHandlers;
  private readonly logger: Logger;
  private readonly tracer: Tracer;
  private readonly ownsBlockingClient: boolean;
  private blocking: EventsRedis | undefined;
  private readonly sleeper = new InterruptibleSleep();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private reading = false;
  private lastPruneAt = 0;
  private current: ConsumerStatus;

  constructor(private readonly options: EventConsumerOptions) {
    this.redis = options.redis;
    this.db = options.db;
    this.handlers = options.handlers;
    this.logger = options.logger.child({ component: "event-consumer", consumer: options.consumer });
    this.tracer = options.tracer ?? trace.getTracer("postings");
    this.ownsBlockingClient = options.blockingRedis === undefined;
    this.s = {
      stream: options.stream,
      group: options.group,
      consumer: options.consumer,
      deadLetterStream: options.deadLetterStream,
      blockMs: options.blockMs ?? 2_000,
      batchSize: options.batchSize ?? 16,
      claimIntervalMs: options.claimIntervalMs ?? 5_000,
      claimMinIdleMs: options.claimMinIdleMs ?? 10_000,
      maxDeliveries: options.maxDeliveries ?? 5,
      backoff: { initialMs: options.backoff?.initialMs ?? 100, maxMs: options.backoff?.maxMs ?? 5_000 },
      processedRetentionMs: options.processedRetentionMs ?? 7 * 24 * 3_600_000,
      pruneIntervalMs: options.pruneIntervalMs ?? 3_600_000,
      commandTimeoutMs: options.commandTimeoutMs ?? 2_000,
      readGraceMs: options.readGraceMs ?? 5_000,
    };
    this.current = {
      state: "idle",
      consumer: options.consumer,
      outageSince: null,
      lastError: null,
      applied: 0,
      duplicates: 0,
      handlerFailures: 0,
      deadLettered: 0,
      reclaimed: 0,
    };
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.blocking = this.options.blockingRedis ?? duplicateEventsRedis(this.redis, this.logger, "events Redis (consumer)");
    this.current.state = "running";
    // Polling, claiming and pruning are not traced: only handled events are, each in its own trace.
    this.loop = context.with(suppressTracing(ROOT_CONTEXT), () => this.run());
  }

  /** Finishes the entry in hand (if any), then stops; entries read but not handled stay pending for a restart or another member. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper.interrupt();
    // A blocked XREADGROUP would hold shutdown for up to blockMs; closing its connection ends it now.
    if (this.reading && this.ownsBlockingClient && this.blocking) this.blocking.destroy();
    await this.loop;
    this.loop = undefined;
    if (this.ownsBlockingClient && this.blocking) await closeEventsRedis(this.blocking);
    this.current.state = "stopped";
  }

  status(): ConsumerStatus {
    return { ...this.current };
  }

  /** Lag (entries not yet delivered to the group), pending entries and dead letters, from Redis. */
  async stats(timeoutMs = 500): Promise<ConsumerStats> {
    const [groups, deadLetters] = await withTimeout(
      Promise.all([this.redis.xInfoGroups(this.s.stream).catch(noSuchKeyAsEmpty), this.redis.xLen(this.s.deadLetterStream)]),
      timeoutMs,
    );
    const group = groups.find((g) => String(g.name) === this.s.group);
    const lag = group?.lag;
    return { lag: typeof lag === "number" ? lag : null, pending: Number(group?.pending ?? 0), deadLetters: Number(deadLetters) };
  }

  /** Creates the group (reading from the start of the stream, creating it if need be) unless it exists. */
  async ensureGroup(): Promise<void> {
    try {
      await this.command(this.redis.xGroupCreate(this.s.stream, this.s.group, "0", { MKSTREAM: true }));
      this.logger.info("created consumer group", { stream: this.s.stream, group: this.s.group });
    } catch (err) {
      if (!String((err as Error).message).includes("BUSYGROUP")) throw err;
    }
  }

  /** One reclaim pass: claims entries idle at least `claimMinIdleMs` (any member's) and handles them. */
  async reclaim(): Promise<number> {
    let start = "0-0";
    let claimed = 0;
    do {
      const reply = await this.command(
        this.redis.xAutoClaim(this.s.stream, this.s.group, this.s.consumer, this.s.claimMinIdleMs, start, { COUNT: this.s.batchSize }),
      );
      start = String(reply.nextId);
      // Entries deleted from the stream meanwhile come back in `deletedMessages`; XAUTOCLAIM has already
      // dropped them from the pending list, so there is nothing to do for them.
      const live: StreamEntry[] = [];
      for (const m of reply.messages) {
        if (m !== null) live.push({ id: String(m.id), message: m.message ? { ...(m.message as Record<string, string>) } : null });
      }
      if (live.length > 0) {
        claimed += live.length;
        this.current.reclaimed += live.length;
        this.logger.info("claimed entries pending too long", { count: live.length, minIdleMs: this.s.claimMinIdleMs });
        await this.handleAll(live, await this.deliveryCounts(live));
      }
    } while (start !== "0-0" && !this.stopping);
    return claimed;
  }

  /** Handles what this consumer name read before but never acknowledged (a restart after a crash). */
  async resumeOwnPending(): Promise<number> {
    let after = "0";
    let resumed = 0;
    while (!this.stopping) {
      const reply = await this.command(
        this.redis.sendCommand([
          "XREADGROUP",
          "GROUP",
          this.s.group,
          this.s.consumer,
          "COUNT",
          String(this.s.batchSize),
          "STREAMS",
          this.s.stream,
          after,
        ]),
      );
      const entries = entriesOfReadReply(reply);
      if (entries.length === 0) break;
      resumed += entries.length;
      await this.handleAll(entries, await this.deliveryCounts(entries));
      after = entries.at(-1)?.id ?? after;
    }
    if (resumed > 0) this.logger.info("resumed own pending entries", { count: resumed });
    return resumed;
  }

  /** Reads and handles one batch of new entries, waiting up to `blockMs` for them. */
  async readNew(blockMs = this.s.blockMs): Promise<number> {
    const blocking = this.blocking ?? this.redis;
    this.reading = true;
    let reply: unknown;
    try {
      const read = blocking.sendCommand([
        "XREADGROUP",
        "GROUP",
        this.s.group,
        this.s.consumer,
        "COUNT",
        String(this.s.batchSize),
        "BLOCK",
        String(Math.max(1, Math.round(blockMs))),
        "STREAMS",
        this.s.stream,
        ">",
      ]);
      // Redis answers a blocked read by blockMs at the latest. A connection that stays silent well past
      // that (seen when Redis is killed and back within one reconnect attempt) would stall consuming for
      // good: drop it and connect afresh. Entries it may have delivered stay pending and are reclaimed.
      reply = await withTimeout(read, blockMs + this.s.readGraceMs, "the events Redis (blocking read)").catch((err: unknown) => {
        if (blocking !== this.redis && blocking.isOpen && (err as Error).message.startsWith("no answer")) {
          blocking.destroy();
          blocking.connect().catch(() => {});
        }
        throw err;
      });
    } finally {
      this.reading = false;
    }
    const entries = entriesOfReadReply(reply);
    await this.handleAll(entries, new Map(entries.map((e) => [e.id, 1])));
    return entries.length;
  }

  /** Handles one entry; throws only when a store is unavailable (the loop then backs off and redoes it). */
  async handleEntry(entry: StreamEntry, deliveries: number): Promise<EntryOutcome> {
    if (entry.message === null) {
      // Deleted from the stream while pending: nothing left to do but forget it.
      await this.command(this.redis.xAck(this.s.stream, this.s.group, entry.id));
      return "gone";
    }
    const raw = entry.message.envelope;
    const parsed = parseEnvelope(raw);
    const type = parsed.ok ? parsed.envelope.type : "unknown";
    const parent = contextFromTraceparent(parsed.ok ? parsed.envelope.traceparent : parsed.traceparent);
    const attributes: Attributes = {
      "messaging.system": "redis",
      "messaging.operation.type": "process",
      "messaging.operation.name": "process",
      "messaging.destination.name": this.s.stream,
      "messaging.consumer.group.name": this.s.group,
      "messaging.message.id": parsed.ok ? parsed.envelope.id : entry.id,
      "messaging.redis.entry_id": entry.id,
      "messaging.redis.delivery_count": deliveries,
      "event.type": type,
    };
    return this.tracer.startActiveSpan(`events process ${type}`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
      try {
        if (!parsed.ok) return await this.deadLetter(entry, raw ?? "", parsed.error, span);
        const outcome = await this.apply(entry, parsed.envelope, deliveries, span);
        span.setAttribute("event.outcome", outcome);
        return outcome;
      } catch (err) {
        markFailed(span, err);
        throw err;
      } finally {
        span.end();
      }
    });
  }

  private async apply(entry: StreamEntry, envelope: Envelope, deliveries: number, span: Span): Promise<EntryOutcome> {
    const handler = this.handlers[envelope.type];
    if (!handler) return this.deadLetter(entry, entry.message?.envelope ?? "", `unknown event type ${JSON.stringify(envelope.type)}`, span);
    const data = handler.data.safeParse(envelope.data);
    if (!data.success) {
      return this.deadLetter(
        entry,
        entry.message?.envelope ?? "",
        `invalid data for ${envelope.type}: ${describeIssues(data.error)}`,
        span,
      );
    }

    let result: { duplicate: true } | { duplicate: false; summary: Record<string, unknown> };
    try {
      result = await this.db.transaction(async (tx) => {
        const recorded = await tx
          .insert(processedEvents)
          .values({ eventId: envelope.id, type: envelope.type })
          .onConflictDoNothing()
          .returning({ eventId: processedEvents.eventId });
        if (recorded.length === 0) return { duplicate: true as const };
        const summary = await handler.handle(tx, {
          id: envelope.id,
          type: envelope.type,
          occurredAt: new Date(envelope.occurredAt),
          data: data.data,
        });
        return { duplicate: false as const, summary };
      });
    } catch (err) {
      if (isOutage(err)) throw err;
      this.current.handlerFailures += 1;
      markFailed(span, err);
      if (deliveries >= this.s.maxDeliveries) {
        return this.deadLetter(
          entry,
          entry.message?.envelope ?? "",
          `handler failed on delivery ${deliveries}: ${errorMessage(err)}`,
          span,
        );
      }
      this.logger.warn("event handler failed; the entry stays pending and is retried", {
        entryId: entry.id,
        eventId: envelope.id,
        type: envelope.type,
        deliveries,
        maxDeliveries: this.s.maxDeliveries,
        err: errorMessage(err),
      });
      return "failed";
    }

    await withRedisSpan(this.tracer, "XACK", () => this.command(this.redis.xAck(this.s.stream, this.s.group, entry.id)));
    if (result.duplicate) {
      this.current.duplicates += 1;
      this.logger.info("duplicate event skipped", { entryId: entry.id, eventId: envelope.id, type: envelope.type });
      return "duplicate";
    }
    this.current.applied += 1;
    this.logger.info("event applied", { entryId: entry.id, eventId: envelope.id, type: envelope.type, ...result.summary });
    return "applied";
  }

  /** Moves a poison entry to the dead-letter stream and acknowledges it, atomically (MULTI). */
  private async deadLetter(entry: StreamEntry, envelope: string, error: string, span: Span): Promise<EntryOutcome> {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    span.setAttribute("event.outcome", "dead-lettered");
    await withRedisSpan(this.tracer, "MULTI", () =>
      this.command(
        this.redis
          .multi()
          .xAdd(this.s.deadLetterStream, "*", {
            envelope,
            error: error.slice(0, 2_000),
            group: this.s.group,
            failedAt: new Date().toISOString(),
            sourceId: entry.id,
          })
          .xAck(this.s.stream, this.s.group, entry.id)
          .exec(),
      ),
    );
    this.current.deadLettered += 1;
    this.logger.warn("event dead-lettered", { entryId: entry.id, deadLetterStream: this.s.deadLetterStream, error: error.slice(0, 500) });
    return "dead-lettered";
  }

  private async handleAll(entries: StreamEntry[], deliveries: Map<string, number>): Promise<void> {
    for (const entry of entries) {
      if (this.stopping) return;
      await this.handleEntry(entry, deliveries.get(entry.id) ?? 1);
    }
  }

  /** XPENDING's delivery counters for entries just (re)delivered to this consumer. */
  private async deliveryCounts(entries: StreamEntry[]): Promise<Map<string, number>> {
    const first = entries[0]?.id;
    const last = entries.at(-1)?.id;
    if (!first || !last) return new Map();
    const pending = await this.command(
      this.redis.xPendingRange(this.s.stream, this.s.group, first, last, entries.length * 2 + 10, { consumer: this.s.consumer }),
    );
    return new Map(pending.map((p) => [String(p.id), Number(p.deliveriesCounter)]));
  }

  private async run(): Promise<void> {
    let failures = 0;
    let setUp = false;
    let nextClaimAt = 0;
    while (!this.stopping) {
      try {
        // Not a failure yet while the connections are (re)connecting: give them a moment first.
        if (!setUp) await Promise.all([whenReady(this.redis, 2_000), this.blocking && whenReady(this.blocking, 2_000)]);
        if (!setUp) {
          await this.ensureGroup();
          await this.resumeOwnPending();
          setUp = true;
        }
        if (Date.now() >= nextClaimAt) {
          await this.reclaim();
          await this.pruneIfDue();
          nextClaimAt = Date.now() + this.s.claimIntervalMs;
        }
        if (this.stopping) break;
        await this.readNew(Math.min(this.s.blockMs, Math.max(1, nextClaimAt - Date.now())));
        if (failures > 0) this.recovered(failures);
        failures = 0;
      } catch (err) {
        if (this.stopping) break;
        failures += 1;
        // After any outage, redo the group check and this member's own pending entries first.
        setUp = false;
        this.failed(err, failures);
        await this.sleeper.sleep(backoffDelay(failures, this.s.backoff));
      }
    }
  }

  private async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPruneAt < this.s.pruneIntervalMs) return;
    this.lastPruneAt = Date.now();
    const cutoff = new Date(Date.now() - this.s.processedRetentionMs);
    const pruned = await this.db
      .delete(processedEvents)
      .where(lt(processedEvents.processedAt, cutoff))
      .returning({ id: processedEvents.eventId });
    if (pruned.length > 0) this.logger.info("pruned old dedupe records", { pruned: pruned.length });
  }

  private command<T>(promise: Promise<T>): Promise<T> {
    return withTimeout(promise, this.s.commandTimeoutMs);
  }

  private failed(err: unknown, failures: number): void {
    this.current.lastError = errorMessage(err);
    if (failures === 1) {
      this.current.state = "backing-off";
      this.current.outageSince = new Date().toISOString();
      this.logger.warn("event consumer cannot proceed; backing off", { err: this.current.lastError });
    } else {
      this.logger.debug("event consumer retry failed", { attempt: failures, err: this.current.lastError });
    }
  }

  private recovered(failures: number): void {
    const since = this.current.outageSince;
    this.logger.info("event consumer recovered", {
      failedAttempts: failures,
      outageMs: since ? Date.now() - Date.parse(since) : undefined,
    });
    this.current = { ...this.current, state: "running", outageSince: null, lastError: null };
  }
}

function noSuchKeyAsEmpty(err: unknown): never[] {
  if (String((err as Error)?.message).includes("no such key")) return [];
  throw err;
}

function markFailed(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // drizzle wraps driver errors ("Failed query: … params: …"); the cause says what went wrong without the values.
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message || cause.name : err.message || err.name;
}
