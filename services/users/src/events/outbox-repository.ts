import { inArray, sql } from "drizzle-orm";
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

  /**
   * Locks the oldest unpublished rows (skipping rows another relay holds) until the transaction ends.
   * Call inside a transaction.
   */
  async claimBatch(limit: number): Promise<ClaimedEvent[]> {
    const rows = await this.db.execute<{
      id: string;
      type: string;
      occurred_at: string;
      traceparent: string | null;
      data: Record<string, unknown>;
    }>(sql`
      select id, type, to_json(occurred_at)#>>'{}' as occurred_at, traceparent, data
      from ${outbox}
      where published_at is null
      order by occurred_at, id
      limit ${limit}
      for update skip locked`);
    return rows.map((row) => ({
      id: row.id,
      envelope: {
        id: row.id,
        type: row.type,
        occurredAt: new Date(row.occurred_at).toISOString(),
        traceparent: row.traceparent,
        data: row.data,
      },
    }));
  }

  /** One statement for a whole batch that Redis acknowledged. */
  async markPublished(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .update(outbox)
      .set({ publishedAt: sql`now()`, attempts: sql`${outbox.attempts} + 1`, lastError: null })
      .where(inArray(outbox.id, ids));
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
