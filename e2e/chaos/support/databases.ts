import postgres from "postgres";

/**
 * Read-only looks into a service's own database, to count what was applied — never to change it.
 * Straight to PostgreSQL (the superuser URL), never through a fault-proxy link.
 */
export function database(name: "users" | "postings", url: string): postgres.Sql {
  const target = new URL(url);
  target.pathname = `/${name}`;
  return postgres(target.toString(), { max: 2, onnotice: () => {}, connect_timeout: 5 });
}

export type EventCheck = { events: number; unpublished: number; unprocessed: string[]; duplicated: string[] };

/**
 * Every outbox event about these users (optionally of one type): published, and processed by
 * postings exactly once (one `processed_events` row per event id).
 */
export async function eventsOf(
  usersDb: postgres.Sql,
  postingsDb: postgres.Sql,
  userIds: string[],
  type?: "user.updated" | "user.deleted",
): Promise<EventCheck> {
  if (userIds.length === 0) return { events: 0, unpublished: 0, unprocessed: [], duplicated: [] };
  const rows = await usersDb<{ id: string; published: boolean }[]>`
    select id, published_at is not null as published from outbox
    where data->>'userId' in ${usersDb(userIds)} ${type ? usersDb`and type = ${type}` : usersDb``}`;
  const ids = rows.map((r) => r.id);
  const processed =
    ids.length === 0
      ? []
      : await postingsDb<{ event_id: string; n: number }[]>`
          select event_id, count(*)::int as n from processed_events where event_id in ${postingsDb(ids)} group by event_id`;
  const seen = new Map(processed.map((p) => [p.event_id, p.n]));
  return {
    events: ids.length,
    unpublished: rows.filter((r) => !r.published).length,
    unprocessed: ids.filter((id) => !seen.has(id)),
    duplicated: ids.filter((id) => (seen.get(id) ?? 0) > 1),
  };
}
