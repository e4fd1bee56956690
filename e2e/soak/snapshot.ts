import type postgres from "postgres";
import type { EventRow, PostingsSnapshot, UsersSnapshot } from "./invariants.ts";

export type Snapshot = { users: UsersSnapshot; postings: PostingsSnapshot; events: EventRow[] };

/**
 * What the two databases hold now about the soak's own accounts — read-only, straight from
 * PostgreSQL (never through a fault-proxy link), so the checks see the truth, not the load's view.
 */
export async function takeSnapshot(usersDb: postgres.Sql, postingsDb: postgres.Sql, userIds: string[]): Promise<Snapshot> {
  if (userIds.length === 0) return { users: new Map(), postings: new Map(), events: [] };
  const users = await usersDb<{ id: string; name: string }[]>`select id::text, name from users where id::text in ${usersDb(userIds)}`;
  const postings = await postingsDb<{ id: string; author_id: string; author_name: string; title: string }[]>`
    select id::text, author_id, author_name, title from postings where author_id in ${postingsDb(userIds)}`;
  const outbox = await usersDb<{ id: string; type: string; published: boolean }[]>`
    select id::text, type, published_at is not null as published from outbox where data->>'userId' in ${usersDb(userIds)}`;
  const eventIds = outbox.map((e) => e.id);
  const processed =
    eventIds.length === 0
      ? []
      : await postingsDb<{ event_id: string; n: number }[]>`
          select event_id, count(*)::int as n from processed_events where event_id in ${postingsDb(eventIds)} group by event_id`;
  const counts = new Map(processed.map((p) => [p.event_id, p.n]));
  return {
    users: new Map(users.map((u) => [u.id, u.name])),
    postings: new Map(postings.map((p) => [p.id, { authorId: p.author_id, authorName: p.author_name, title: p.title }])),
    events: outbox.map((e) => ({ id: e.id, type: e.type, published: e.published, processedCount: counts.get(e.id) ?? 0 })),
  };
}
