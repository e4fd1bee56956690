import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { type AuthorEvent, AuthorsBatch } from "./authors-batch.ts";
import { AuthorsRepository } from "./authors-repository.ts";

// The set-based batch must come to exactly what recordName / markDeleted one by one come to: the
// same result per event, the same authors rows, the same postings. Each scenario runs both ways on
// authors of its own and compares.

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "postings_authors_batch" });
});
afterAll(() => h?.close());

const T0 = Date.parse("2030-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms);
let seq = 0;
/** Event ids in the order they are made (UUIDv7-like: they sort by creation). */
const eventId = () => `0193-${String(++seq).padStart(6, "0")}`;
const rename = (authorId: string, name: string, ms: number, id = eventId()): AuthorEvent => ({
  kind: "rename",
  eventId: id,
  authorId,
  name,
  asOf: at(ms),
});
const remove = (authorId: string, ms: number): AuthorEvent => ({ kind: "delete", eventId: eventId(), authorId, at: at(ms) });

/** Authors as they stand before the events: a row (token-named, event-named or tombstoned) and postings with a name. */
type Setup = { authorId: string; row?: { name: string | null; ms: number; eventId?: string; deletedMs?: number }; postings?: string[] };

async function arrange(setups: Setup[]): Promise<void> {
  for (const s of setups) {
    if (s.row)
      await h.db.execute(sql`insert into authors (id, name, name_as_of, name_event_id, deleted_at)
        values (${s.authorId}, ${s.row.name}, ${at(s.row.ms).toISOString()}, ${s.row.eventId ?? null},
                ${s.row.deletedMs === undefined ? null : at(s.row.deletedMs).toISOString()})`);
    if (s.postings?.length)
      await h.insertRows(s.postings.map((name) => ({ createdAt: new Date(), authorId: s.authorId, authorName: name })));
  }
}

async function stateOf(ids: string[]) {
  const authors = await h.db.execute(sql`select id, name, name_as_of, name_event_id, deleted_at from authors
    where id = any(${sql.param(ids)}::text[]) order by id`);
  const postings = await h.db.execute(sql`select author_id, author_name, count(*)::int as n from postings
    where author_id = any(${sql.param(ids)}::text[]) group by 1, 2 order by 1, 2`);
  return { authors: [...authors], postings: [...postings] };
}

function oneByOne(tx: Executor, events: AuthorEvent[]) {
  return (async () => {
    const out = [];
    for (const e of events) {
      const repo = new AuthorsRepository(tx);
      if (e.kind === "delete") out.push({ postingsDeleted: await repo.markDeleted(e.authorId, e.at) });
      else {
        const after = await repo.recordName(e.authorId, { name: e.name, asOf: e.asOf, eventId: e.eventId });
        const applied = after.nameEventId === e.eventId;
        out.push({ applied, stale: !applied && after.deletedAt === null, renamed: applied && after.previousName !== after.name });
      }
    }
    return out;
  })();
}

/** Runs `scenario` (given author ids) one by one and as a batch on separate authors; both must agree. */
async function bothWays(setups: Setup[], events: (ids: Record<string, string>) => AuthorEvent[]) {
  const run = async (label: string) => {
    const ids = Object.fromEntries(setups.map((s) => [s.authorId, `${label}-${crypto.randomUUID()}`]));
    await arrange(setups.map((s) => ({ ...s, authorId: ids[s.authorId] as string })));
    seq = 0; // the same event ids both ways
    return { ids, list: events(ids) };
  };
  const one = await run("one");
  const set = await run("set");
  const expected = await h.db.transaction((tx) => oneByOne(tx, one.list));
  const actual = await h.db.transaction((tx) => new AuthorsBatch(tx).apply(set.list));
  expect(actual).toEqual(expected);
  const strip = (state: Awaited<ReturnType<typeof stateOf>>, ids: Record<string, string>) => {
    const back = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
    const name = (id: unknown) => back.get(id as string);
    const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
    return {
      authors: state.authors.map((r) => ({ ...r, id: name(r.id) })).sort(byJson),
      postings: state.postings.map((r) => ({ ...r, author_id: name(r.author_id) })).sort(byJson),
    };
  };
  const after = strip(await stateOf(Object.values(set.ids)), set.ids);
  expect(after).toEqual(strip(await stateOf(Object.values(one.ids)), one.ids));
  return { results: actual, after };
}

describe("a batch of author events, set-based, comes to what one by one comes to", () => {
  test("renames and deletions of the same author in one batch: stream order respected, the tombstone wins", async () => {
    const { results, after } = await bothWays([{ authorId: "a", row: { name: "Ada", ms: 0 }, postings: ["Ada", "Ada"] }], (id) => [
      rename(id.a as string, "Ada L", 10),
      remove(id.a as string, 20),
      rename(id.a as string, "Ghost", 30),
      remove(id.a as string, 40),
    ]);
    expect(results).toEqual([
      { applied: true, stale: false, renamed: true },
      { postingsDeleted: 2 },
      { applied: false, stale: false, renamed: false },
      { postingsDeleted: 0 },
    ]);
    expect(after.authors[0]).toMatchObject({ name: null, name_event_id: null });
    expect(after.postings).toEqual([]);
  });

  test("new, existing, token-named and tombstoned authors, out-of-order and same-millisecond renames, side by side", async () => {
    const { results } = await bothWays(
      [
        { authorId: "new", postings: ["Seeded Other Name"] },
        { authorId: "newGone" },
        { authorId: "token", row: { name: "Token Name", ms: 50 }, postings: ["Token Name"] },
        { authorId: "evented", row: { name: "Evented", ms: 50, eventId: "0193-500000" }, postings: ["Evented"] },
        { authorId: "tomb", row: { name: null, ms: 5, deletedMs: 7 } },
      ],
      (id) => [
        rename(id.new as string, "New One", 10),
        rename(id.newGone as string, "Brief", 10),
        remove(id.newGone as string, 11),
        rename(id.token as string, "Older Than Token", 40), // stale
        rename(id.token as string, "Same Ms As Token", 50), // an event beats a token of the same millisecond
        rename(id.evented as string, "Same Ms Earlier Id", 50, "0193-400000"), // stale: the later id holds
        rename(id.evented as string, "Same Ms Later Id", 50, "0193-600000"),
        rename(id.evented as string, "Same Ms Later Id", 60), // applied, same name: not renamed
        rename(id.tomb as string, "Revived?", 100), // a tombstone stays
      ],
    );
    expect(results.map((r) => ("applied" in r ? r.applied : r.postingsDeleted))).toEqual([
      true,
      true,
      0,
      false,
      true,
      false,
      true,
      true,
      false,
    ]);
  });

  test("an older rename arriving in a later batch is stale and changes nothing", async () => {
    const id = `auth-${crypto.randomUUID()}`;
    await arrange([{ authorId: id, postings: ["Old"] }]);
    await h.db.transaction((tx) => new AuthorsBatch(tx).apply([rename(id, "Newest", 200)]));
    const [late] = await h.db.transaction((tx) => new AuthorsBatch(tx).apply([rename(id, "Older", 100)]));
    expect(late).toEqual({ applied: false, stale: true, renamed: false });
    const state = await stateOf([id]);
    expect(state.authors[0]?.name).toBe("Newest");
    expect(state.postings).toEqual([{ author_id: id, author_name: "Newest", n: 1 }]);
  });

  test("postings of a renamed author take the name; other authors' postings are untouched", async () => {
    const ada = `ada-${crypto.randomUUID()}`;
    const bob = `bob-${crypto.randomUUID()}`;
    await arrange([
      { authorId: ada, row: { name: "Ada", ms: 0 }, postings: ["Ada", "Ada", "Ada"] },
      { authorId: bob, row: { name: "Bob", ms: 0 }, postings: ["Bob"] },
    ]);
    await h.db.transaction((tx) => new AuthorsBatch(tx).apply([rename(ada, "Ada Lovelace", 10)]));
    expect((await stateOf([ada, bob])).postings).toEqual([
      { author_id: ada, author_name: "Ada Lovelace", n: 3 },
      { author_id: bob, author_name: "Bob", n: 1 },
    ]);
  });
});

/** Until a session of this database waits for a row lock (the other transaction's). */
async function someoneWaitsForALock(): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 5_000; await Bun.sleep(10)) {
    const [row] = await h.client.sql`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`;
    if ((row?.n as number) > 0) return;
  }
  throw new Error("no session waited for a lock within 5 s");
}

describe("racing a POST's token path (its own transaction on the same author)", () => {
  /** The POST's first step, in a transaction held open until `release` resolves. */
  function holdTokenName(authorId: string, name: string, ms: number, release: Promise<void>) {
    let locked!: () => void;
    const holding = new Promise<void>((r) => {
      locked = r;
    });
    const done = h.db.transaction(async (tx) => {
      await new AuthorsRepository(tx).recordName(authorId, { name, asOf: at(ms) });
      locked();
      await release;
    });
    return { holding, done };
  }

  for (const [label, tokenMs, expected] of [
    ["an older token inserted first, uncommitted: the batch waits for it, then its newer rename wins", 10, "Event Name"],
    ["a newer token inserted first, uncommitted: the batch waits, folds it in, and its older rename is stale", 90, "Token Name"],
  ] as const)
    test(label, async () => {
      const id = `race-${crypto.randomUUID()}`;
      let release!: () => void;
      const post = holdTokenName(
        id,
        "Token Name",
        tokenMs,
        new Promise((r) => {
          release = r;
        }),
      );
      await post.holding;
      let batchDone = false;
      const batch = h.db
        .transaction((tx) => new AuthorsBatch(tx).apply([rename(id, "Event Name", 50)]))
        .finally(() => {
          batchDone = true;
        });
      await someoneWaitsForALock();
      expect(batchDone).toBe(false); // blocked on the POST's uncommitted row
      await h.insertRows([{ createdAt: new Date(), authorId: id, authorName: "Token Name" }]); // the POST's posting
      release();
      await post.done;
      const [result] = await batch;
      expect(result).toMatchObject({ applied: expected === "Event Name", stale: expected !== "Event Name" });
      const state = await stateOf([id]);
      expect(state.authors[0]?.name).toBe(expected);
      // The invariant at the commit: the posting mirrors the author's name.
      expect(state.postings).toEqual([{ author_id: id, author_name: expected, n: 1 }]);
    });

  test("the batch first: a POST with an older token waits for it and then takes the event's name", async () => {
    const id = `race-${crypto.randomUUID()}`;
    await arrange([{ authorId: id, row: { name: "Before", ms: 0 } }]);
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const holding = new Promise<void>((r) => {
      locked = r;
    });
    const batch = h.db.transaction(async (tx) => {
      const results = await new AuthorsBatch(tx).apply([rename(id, "Event Name", 50)]);
      locked();
      await released;
      return results;
    });
    await holding;
    let postDone = false;
    const post = h.db
      .transaction((tx) => new AuthorsRepository(tx).recordName(id, { name: "Token Name", asOf: at(20) }))
      .finally(() => {
        postDone = true;
      });
    await someoneWaitsForALock();
    expect(postDone).toBe(false);
    release();
    await batch;
    expect((await post).name).toBe("Event Name");
  });
});
