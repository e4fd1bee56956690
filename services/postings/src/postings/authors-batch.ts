import { and, asc, eq, isNotNull, ne, sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { authors, postings } from "../db/schema.ts";
import { type AuthorState, isNewer } from "./authors-repository.ts";

/** What users tell postings about an author: a rename (an event, with its id) or the account's deletion. */
export type AuthorEvent =
  | { kind: "rename"; eventId: string; authorId: string; name: string; asOf: Date }
  | { kind: "delete"; eventId: string; authorId: string; at: Date };

/** Per event, what AuthorsRepository.recordName / markDeleted one by one would have come to. */
export type AuthorEventResult = { applied: boolean; stale: boolean; renamed: boolean } | { postingsDeleted: number };

type Folded = {
  state: AuthorState;
  results: (AuthorEventResult | "first delete")[];
  /** The name changed (or the author is new): postings must take `state.name`. */
  nameChanged: boolean;
};

/**
 * Applies events about authors in their order, with a constant number of statements however many
 * there are, to the same effect as AuthorsRepository.recordName / markDeleted called for each in turn
 * (which the savepoint path still does). Each author's events are folded in TypeScript from the row as
 * it stands, locked; the invariant holds at the commit: every posting's `author_name` equals its
 * author's `authors.name`. Call inside a transaction.
 *
 * 1. Authors new to us are inserted as their events leave them (`on conflict do nothing`): rows this
 *    inserts are ours alone until the commit, so a POST's token path about them waits for it.
 * 2. The others are locked in id order (`for update`), folded from what they hold, and updated where
 *    that changed anything — so a name a POST wrote meanwhile is folded in, never overwritten.
 * 3. Postings of authors whose name changed take it from `authors`; postings of authors deleted in the
 *    batch are deleted (counted for the first deletion of each, as one by one would).
 */
export class AuthorsBatch {
  constructor(private readonly db: Executor) {}

  async apply(events: AuthorEvent[]): Promise<AuthorEventResult[]> {
    const byAuthor = new Map<string, number[]>();
    for (const [i, e] of events.entries()) byAuthor.set(e.authorId, [...(byAuthor.get(e.authorId) ?? []), i]);
    const ids = [...byAuthor.keys()].sort();
    const results: (AuthorEventResult | "first delete")[] = new Array(events.length);
    const renamed: string[] = [];
    const place = (authorId: string, folded: Folded) => {
      for (const [k, i] of (byAuthor.get(authorId) as number[]).entries()) results[i] = folded.results[k] as AuthorEventResult;
      if (folded.nameChanged && folded.state.deletedAt === null) renamed.push(authorId);
    };
    const eventsOf = (authorId: string) => (byAuthor.get(authorId) as number[]).map((i) => events[i] as AuthorEvent);

    const fresh = ids.map((id) => ({ id, folded: fold(null, eventsOf(id)) }));
    const inserted = new Set(await this.insertNew(fresh.map(({ id, folded }) => ({ id, ...folded.state }))));
    for (const { id, folded } of fresh) if (inserted.has(id)) place(id, folded);

    const existing = ids.filter((id) => !inserted.has(id));
    if (existing.length > 0) {
      const locked = await this.lock(existing);
      const changed: (AuthorState & { id: string })[] = [];
      for (const id of existing) {
        const current = locked.get(id);
        if (!current) throw new Error(`author ${id} is neither new nor there to lock`);
        const folded = fold(current, eventsOf(id));
        place(id, folded);
        if (!sameState(current, folded.state)) changed.push({ id, ...folded.state });
      }
      if (changed.length > 0) await this.update(changed);
    }

    if (renamed.length > 0) await this.copyNamesToPostings(renamed);
    const deleting = ids.filter((id) => eventsOf(id).some((e) => e.kind === "delete"));
    const removed = deleting.length > 0 ? await this.deletePostings(deleting) : new Map<string, number>();
    return results.map((r, i) => (r === "first delete" ? { postingsDeleted: removed.get((events[i] as AuthorEvent).authorId) ?? 0 } : r));
  }

  // Each statement is prepared (named, kept per connection by postgres.js): parsed and planned once,
  // not per batch — measured 15.9 vs 22.9 ms a batch of 256 for the three statements of a burst.

  /** Inserts the rows of authors new to us; returns the ids it inserted (the others exist). */
  private async insertNew(rows: (AuthorState & { id: string })[]): Promise<string[]> {
    const inserted = await this.db
      .insert(authors)
      .select(sql`select r.id, r.name, r.name_as_of, r.name_event_id, r.deleted_at from ${recordset(rows)}`)
      .onConflictDoNothing()
      .returning({ id: authors.id })
      .prepare("authors_batch_insert")
      .execute();
    return inserted.map((r) => r.id);
  }

  private async lock(ids: string[]): Promise<Map<string, AuthorState>> {
    const rows = await this.db
      .select()
      .from(authors)
      .where(sql`${authors.id} = any(${sql.param(ids)}::text[])`)
      .orderBy(asc(authors.id))
      .for("update")
      .prepare("authors_batch_lock")
      .execute();
    return new Map(rows.map((r) => [r.id, { name: r.name, nameAsOf: r.nameAsOf, nameEventId: r.nameEventId, deletedAt: r.deletedAt }]));
  }

  private async update(rows: (AuthorState & { id: string })[]): Promise<void> {
    await this.db
      .update(authors)
      .set({
        name: sql`r.name`,
        nameAsOf: sql`r.name_as_of`,
        nameEventId: sql`r.name_event_id`,
        deletedAt: sql`r.deleted_at`,
      })
      .from(recordset(rows))
      .where(sql`${authors.id} = r.id`)
      .prepare("authors_batch_update")
      .execute();
  }

  /** Postings mirror their author's row as this transaction leaves it. */
  private async copyNamesToPostings(ids: string[]): Promise<void> {
    await this.db
      .update(postings)
      .set({ authorName: sql`${authors.name}` })
      .from(authors)
      .where(
        and(
          eq(authors.id, postings.authorId),
          sql`${postings.authorId} = any(${sql.param(ids)}::text[])`,
          isNotNull(authors.name),
          ne(postings.authorName, authors.name),
        ),
      )
      .prepare("authors_batch_copy_names")
      .execute();
  }

  /** Deletes the postings of `ids`; how many went, per author. */
  private async deletePostings(ids: string[]): Promise<Map<string, number>> {
    const removed = await this.db
      .delete(postings)
      .where(sql`${postings.authorId} = any(${sql.param(ids)}::text[])`)
      .returning({ authorId: postings.authorId })
      .prepare("authors_batch_delete_postings")
      .execute();
    const counts = new Map<string, number>();
    for (const r of removed) counts.set(r.authorId, (counts.get(r.authorId) ?? 0) + 1);
    return counts;
  }
}

/**
 * One author's events, in order, from `start` (null: no row yet), exactly as recordName and
 * markDeleted decide one by one: a rename applies if the author is not deleted and it is newer; a
 * deletion leaves a tombstone (keeping `name_as_of`, and the first `deleted_at`).
 */
export function fold(start: AuthorState | null, events: AuthorEvent[]): Folded {
  let state = start;
  let nameChanged = false;
  const results: Folded["results"] = [];
  let deleted = false;
  for (const e of events) {
    if (e.kind === "delete") {
      state = state
        ? { name: null, nameAsOf: state.nameAsOf, nameEventId: null, deletedAt: state.deletedAt ?? e.at }
        : { name: null, nameAsOf: e.at, nameEventId: null, deletedAt: e.at };
      // Postings are only ever added by POSTs, which wait for this transaction: after the first
      // deletion of the batch an author has none left.
      results.push(deleted ? { postingsDeleted: 0 } : "first delete");
      deleted = true;
      continue;
    }
    const source = { name: e.name, asOf: e.asOf, eventId: e.eventId };
    if (state === null || (state.deletedAt === null && isNewer(source, state))) {
      const previous = state?.name ?? null;
      // A new author's postings may carry another name (seeded, restored): always copied.
      nameChanged ||= state === null || previous !== e.name;
      state = { name: e.name, nameAsOf: e.asOf, nameEventId: e.eventId, deletedAt: null };
      results.push({ applied: true, stale: false, renamed: previous !== e.name });
    } else {
      const applied = state.nameEventId === e.eventId;
      results.push({ applied, stale: !applied && state.deletedAt === null, renamed: false });
    }
  }
  if (state === null) throw new Error("fold of no events");
  return { state, results, nameChanged };
}

function sameState(a: AuthorState, b: AuthorState): boolean {
  const time = (d: Date | null) => d?.getTime() ?? null;
  return (
    a.name === b.name && a.nameEventId === b.nameEventId && time(a.nameAsOf) === time(b.nameAsOf) && time(a.deletedAt) === time(b.deletedAt)
  );
}

/** Author rows as one jsonb parameter, read back as the relation `r` (one parameter however many rows). */
const recordset = (rows: (AuthorState & { id: string })[]) =>
  sql`jsonb_to_recordset(${toJson(rows)}::jsonb)
    as r(id text, name text, name_as_of timestamptz, name_event_id text, deleted_at timestamptz)`;

const toJson = (rows: (AuthorState & { id: string })[]) =>
  JSON.stringify(
    rows.map((r) => ({
      id: r.id,
      name: r.name,
      name_as_of: r.nameAsOf.toISOString(),
      name_event_id: r.nameEventId,
      deleted_at: r.deletedAt?.toISOString() ?? null,
    })),
  );
