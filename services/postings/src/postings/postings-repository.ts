import { and, desc, eq, sql } from "drizzle-orm";
import type { Database, Executor } from "../db/client.ts";
import { type PostingRow, postings } from "../db/schema.ts";
import type { PagePosition } from "../pagination/cursor.ts";
import { AuthorsRepository } from "./authors-repository.ts";

export type NewPosting = { title: string; body: string };
export type PostingChanges = { title?: string; body?: string };
export type Author = { id: string; name: string; tokenIssuedAt: Date };

export type Page = { items: PostingRow[]; next: PagePosition | null };

export type CreateResult = { kind: "created"; posting: PostingRow } | { kind: "author-deleted" };
/** `forbidden`: the posting exists but the caller may not change it. */
export type ChangeResult<T> = { kind: "done"; value: T } | { kind: "not-found" } | { kind: "forbidden" };

/** The postings table. Ownership is checked in the same statement that changes a row. */
export class PostingsRepository {
  // The hot reads are prepared once per repository: drizzle builds their SQL once (not per request)
  // and postgres.js keeps them as named statements, so PostgreSQL parses them once per connection.
  private prepared?: ReturnType<typeof prepareReads>;

  constructor(private readonly db: Executor) {}

  private get reads() {
    this.prepared ??= prepareReads(this.db);
    return this.prepared;
  }

  /**
   * One page newest first, strictly after `after`. Reads `limit + 1` rows along the
   * `(created_at desc, id desc)` index to learn whether another page follows — the cost is the same on
   * page 1 and page 50 000.
   */
  async page({ limit, after }: { limit: number; after: PagePosition | null }): Promise<Page> {
    const rows = after
      ? await this.reads.pageAfter.execute({ limit: limit + 1, createdAt: after.createdAt.toISOString(), id: after.id })
      : await this.reads.firstPage.execute({ limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
  }

  async findById(id: string): Promise<PostingRow | null> {
    const [row] = await this.reads.byId.execute({ id });
    return row ?? null;
  }

  /** Records the author's name from their token (if newer than ours) and inserts the posting, atomically. */
  static create(db: Database, author: Author, posting: NewPosting): Promise<CreateResult> {
    return db.transaction(async (tx): Promise<CreateResult> => {
      const known = await new AuthorsRepository(tx).recordName(author.id, { name: author.name, asOf: author.tokenIssuedAt });
      if (known.deletedAt !== null || known.name === null) return { kind: "author-deleted" };
      const [row] = await tx
        .insert(postings)
        .values({ id: Bun.randomUUIDv7(), title: posting.title, body: posting.body, authorId: author.id, authorName: known.name })
        .returning();
      if (!row) throw new Error("insert returned no row");
      return { kind: "created", posting: row };
    });
  }

  /** Only the author may edit. */
  async update(id: string, authorId: string, changes: PostingChanges): Promise<ChangeResult<PostingRow>> {
    const [row] = await this.db
      .update(postings)
      .set({ ...changes, updatedAt: sql`greatest(now(), ${postings.createdAt})` })
      .where(and(eq(postings.id, id), eq(postings.authorId, authorId)))
      .returning();
    if (row) return { kind: "done", value: row };
    return (await this.findById(id)) ? { kind: "forbidden" } : { kind: "not-found" };
  }

  /** The author, or anyone when `asAdmin`. */
  async delete(id: string, caller: { userId: string; asAdmin: boolean }): Promise<ChangeResult<true>> {
    const condition = caller.asAdmin ? eq(postings.id, id) : and(eq(postings.id, id), eq(postings.authorId, caller.userId));
    const removed = await this.db.delete(postings).where(condition).returning({ id: postings.id });
    if (removed.length > 0) return { kind: "done", value: true };
    return (await this.findById(id)) ? { kind: "forbidden" } : { kind: "not-found" };
  }
}

/**
 * The page statement, with placeholders `limit` and, after a cursor, `createdAt` and `id` (exported
 * so a test can EXPLAIN exactly what runs).
 */
export function pageStatement(db: Executor, { afterCursor }: { afterCursor: boolean }) {
  return db
    .select()
    .from(postings)
    .where(
      afterCursor
        ? sql`(${postings.createdAt}, ${postings.id}) < (${sql.placeholder("createdAt")}::timestamptz, ${sql.placeholder("id")}::uuid)`
        : undefined,
    )
    .orderBy(desc(postings.createdAt), desc(postings.id))
    .limit(sql.placeholder("limit"));
}

function prepareReads(db: Executor) {
  return {
    firstPage: pageStatement(db, { afterCursor: false }).prepare("postings_first_page"),
    pageAfter: pageStatement(db, { afterCursor: true }).prepare("postings_page_after"),
    byId: db
      .select()
      .from(postings)
      .where(eq(postings.id, sql.placeholder("id")))
      .prepare("postings_by_id"),
  };
}
