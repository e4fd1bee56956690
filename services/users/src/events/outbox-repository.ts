import { and, asc, isNull, sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { outbox } from "../db/schema.ts";
import type { Envelope, PendingEvent } from "./envelope.ts";

export type OutboxBacklog = { backlog: number; oldestUnpublishedAgeMs: number | null };

export type ClaimedEvent = { id: string; envelope: Envelope };

/**
 * The outbox table. `add` runs inside the caller's transaction (the change and its event commit
 * together); the claiming methods run inside the relay's transaction.
 */
export class OutboxRepository {
  constructor(private readonly db: Executor) {}

  async add(event: PendingEvent): Promise<void> {
    await this.db.insert(outbox).values({
      id: event.id,
      type: event.type,
      traceparent: event.traceparent,
      data: event.data,
    });
  }

  // The relay's statements are prepared (named, parsed and planned once per connection by
  // postgres.js) and take the batch as one array parameter: unprepared, each cost a second round trip
  // to describe its parameters, and the marking's `in ($1 … $500)` took drizzle longer to build than
  // the batch's XADDs took to send (profile of a 10,000-row burst).

  /**
   * Takes the relay's transaction lock and, only if it got it, locks the oldest unpublished rows
   * (skipping rows another relay holds) until the transaction ends — in one statement: the lock is an
   * uncorrelated subquery, which PostgreSQL runs once, before the scan, as the scan's one-time
   * filter. Empty when another relay holds the lock or nothing waits. Call inside a transaction.
   *
   * The statement's snapshot is taken before it gets the lock, so it may predate the commit of the
   * relay that held it; `for update` is what keeps that relay's rows out: locking a row that a
   * committed transaction changed re-checks the newest version, which is no longer unpublished.
   */
  async claimBatch(limit: number, lockKey: number): Promise<ClaimedEvent[]> {
    const rows = await this.db
      .select({
        id: outbox.id,
        type: outbox.type,
        // ISO 8601 from the database: the envelope's `occurredAt` without parsing a Date per row.
        occurredAt: sql<string>`to_char(${outbox.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
        traceparent: outbox.traceparent,
        data: outbox.data,
      })
      .from(outbox)
      .where(and(isNull(outbox.publishedAt), sql`(select pg_try_advisory_xact_lock(${lockKey}))`))
      .orderBy(asc(outbox.occurredAt), asc(outbox.id))
      .limit(limit)
      .for("update", { skipLocked: true })
      .prepare("outbox_claim")
      .execute();
    return rows.map((row) => ({
      id: row.id,
      envelope: { id: row.id, type: row.type, occurredAt: row.occurredAt, traceparent: row.traceparent, data: row.data },
    }));
  }

  /** One statement for a whole batch that Redis acknowledged. */
  async markPublished(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .update(outbox)
      .set({ publishedAt: sql`now()`, attempts: sql`${outbox.attempts} + 1`, lastError: null })
      .where(sql`${outbox.id} = any(${sql.param(ids)}::uuid[])`)
      .prepare("outbox_mark_published")
      .execute();
  }

  async recordFailure(id: string, error: string): Promise<void> {
    await this.db.execute(sql`update ${outbox} set attempts = attempts + 1, last_error = ${error.slice(0, 500)} where id = ${id}`);
  }

  /** Deletes published rows older than the retention; returns how many went. */
  async prunePublished(olderThan: Date): Promise<number> {
    const rows = await this.db.execute<{ id: string }>(
      sql`delete from ${outbox} where published_at is not null and published_at < ${olderThan.toISOString()} returning id`,
    );
    return rows.length;
  }

  async backlog(): Promise<OutboxBacklog> {
    const rows = await this.db.execute<{ backlog: number; oldest_age_ms: number | null }>(sql`
      select count(*)::int as backlog,
             (extract(epoch from clock_timestamp() - min(occurred_at)) * 1000)::float8 as oldest_age_ms
      from ${outbox} where published_at is null`);
    const row = rows[0];
    return {
      backlog: row?.backlog ?? 0,
      oldestUnpublishedAgeMs: row?.oldest_age_ms == null ? null : Math.max(0, Math.round(row.oldest_age_ms)),
    };
  }
}
