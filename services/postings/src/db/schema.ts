import { sql } from "drizzle-orm";
import { check, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Millisecond precision on purpose: a JavaScript Date (and so a page cursor) holds exactly what the
 * column holds, so `(created_at, id) < cursor` never trips over rounded microseconds.
 */
const timestamptz3 = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: "date" });

/**
 * The board. `author_name` is a copy of the author's current name (kept in step with `authors.name`),
 * so reading a page needs no join and no call to users.
 */
export const postings = pgTable(
  "postings",
  {
    id: uuid("id").primaryKey(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    authorId: text("author_id").notNull(),
    authorName: text("author_name").notNull(),
    createdAt: timestamptz3("created_at").notNull().defaultNow(),
    updatedAt: timestamptz3("updated_at").notNull().defaultNow(),
  },
  (t) => [
    // Serves keyset pages newest first: `where (created_at, id) < ($1, $2) order by created_at desc, id desc limit n`.
    // NULLS FIRST is what a plain `desc` sorts by; with NULLS LAST the planner would not use it for the order.
    index("postings_created_at_id_idx").on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("postings_author_id_idx").on(t.authorId),
    check("postings_title_length_check", sql`char_length(${t.title}) between 1 and 200`),
    check("postings_body_length_check", sql`char_length(${t.body}) between 1 and 20000`),
  ],
);

/**
 * What postings knows about each author: the name and how current it is. `name_as_of` is the time the
 * name was known to be true (a user.updated event's occurredAt, or a token's iat), so an older source
 * never overwrites a newer one. A deleted account keeps a tombstone (no name, `deleted_at` set) so a
 * still-valid token of that account cannot post again and a late rename cannot revive it.
 */
export const authors = pgTable("authors", {
  id: text("id").primaryKey(),
  name: text("name"),
  nameAsOf: timestamp("name_as_of", { withTimezone: true, mode: "date" }).notNull(),
  /** Event that set the name (tie-break for two renames in the same millisecond); null when a token did. */
  nameEventId: text("name_event_id"),
  deletedAt: timestamp("deleted_at", { withTimezone: true, mode: "date" }),
});

/** Inbox of handled event ids: written in the handler's transaction, so an event takes effect once. */
export const processedEvents = pgTable(
  "processed_events",
  {
    eventId: text("event_id").primaryKey(),
    type: text("type").notNull(),
    processedAt: timestamp("processed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("processed_events_processed_at_idx").on(t.processedAt)],
);

export type PostingRow = typeof postings.$inferSelect;
export type AuthorRow = typeof authors.$inferSelect;
