import { and, eq, ne, sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { authors, postings } from "../db/schema.ts";

/** Where a name comes from: a user.updated event (with its id) or a verified token (iat, no event). */
export type NameSource = { name: string; asOf: Date; eventId?: string };

export type AuthorState = { name: string | null; nameAsOf: Date; nameEventId: string | null; deletedAt: Date | null };

/** The author as it stands after `recordName`, and the name it had before (null: new to us). */
export type RecordedName = AuthorState & { previousName: string | null };

/**
 * Authors as postings knows them. Invariant: every posting's `author_name` equals its author's
 * `authors.name`, at every commit — the methods change both in the caller's transaction. Each method
 * locks the author's row first, so a post and an event about the same author never interleave.
 * Call inside a transaction.
 */
export class AuthorsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Adopts `source.name` if it is newer than what is known (a later `asOf`; for two events of the same
   * millisecond, the later event id) and the account is not deleted. Returns the author as it stands,
   * with the name it had before (so callers need no read of their own).
   */
  async recordName(authorId: string, source: NameSource): Promise<RecordedName> {
    const inserted = await this.db
      .insert(authors)
      .values({ id: authorId, name: source.name, nameAsOf: source.asOf, nameEventId: source.eventId ?? null })
      .onConflictDoNothing()
      .returning({ id: authors.id });
    if (inserted.length > 0) {
      // New to us. Postings may still carry another name (seeded, or restored from a backup).
      await this.copyNameToPostings(authorId, source.name);
      return { name: source.name, nameAsOf: source.asOf, nameEventId: source.eventId ?? null, deletedAt: null, previousName: null };
    }
    const current = await this.lock(authorId);
    if (current.deletedAt !== null || !isNewer(source, current)) return { ...current, previousName: current.name };
    await this.db
      .update(authors)
      .set({ name: source.name, nameAsOf: source.asOf, nameEventId: source.eventId ?? null })
      .where(eq(authors.id, authorId));
    if (source.name !== current.name) await this.copyNameToPostings(authorId, source.name);
    return { name: source.name, nameAsOf: source.asOf, nameEventId: source.eventId ?? null, deletedAt: null, previousName: current.name };
  }

  /** Deletes the author's postings and leaves a nameless tombstone. Returns how many postings went. */
  async markDeleted(authorId: string, deletedAt: Date): Promise<number> {
    await this.db
      .insert(authors)
      .values({ id: authorId, name: null, nameAsOf: deletedAt, deletedAt })
      .onConflictDoUpdate({
        target: authors.id,
        set: { name: null, nameEventId: null, deletedAt: sql`coalesce(${authors.deletedAt}, excluded.deleted_at)` },
      });
    const removed = await this.db.delete(postings).where(eq(postings.authorId, authorId)).returning({ id: postings.id });
    return removed.length;
  }

  async find(authorId: string): Promise<AuthorState | null> {
    const [row] = await this.db.select().from(authors).where(eq(authors.id, authorId));
    return row ? { name: row.name, nameAsOf: row.nameAsOf, nameEventId: row.nameEventId, deletedAt: row.deletedAt } : null;
  }

  private async lock(authorId: string): Promise<AuthorState> {
    const [row] = await this.db.select().from(authors).where(eq(authors.id, authorId)).for("update");
    if (!row) throw new Error(`author ${authorId} vanished inside its own transaction`);
    return { name: row.name, nameAsOf: row.nameAsOf, nameEventId: row.nameEventId, deletedAt: row.deletedAt };
  }

  private async copyNameToPostings(authorId: string, name: string): Promise<void> {
    await this.db
      .update(postings)
      .set({ authorName: name })
      .where(and(eq(postings.authorId, authorId), ne(postings.authorName, name)));
  }
}

/** Later time wins; in the same millisecond an event beats a token and the later event id wins. */
export function isNewer(source: NameSource, current: Pick<AuthorState, "nameAsOf" | "nameEventId">): boolean {
  const delta = source.asOf.getTime() - current.nameAsOf.getTime();
  if (delta !== 0) return delta > 0;
  if (source.eventId === undefined) return false;
  return current.nameEventId === null || source.eventId > current.nameEventId;
}
