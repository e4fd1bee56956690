import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createCursorCodec } from "../pagination/cursor.ts";
import { pageStatement } from "../postings/postings-repository.ts";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";

type Item = { id: string; createdAt: string };

/** Follows nextCursor from page 1 to the end; `between` runs after each page. */
async function walk(h: Harness, limit: number, between?: (page: number) => Promise<void>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await h.call("GET", `/postings?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...res.body.items.map((p: Item) => p.id));
    cursor = res.body.nextCursor;
    pages += 1;
    if (cursor) expect(res.body.items).toHaveLength(limit);
    await between?.(pages);
  } while (cursor && pages < 1_000);
  return { ids, pages };
}

const allIdsInPageOrder = async (h: Harness) =>
  (await h.client.sql`select id from postings order by created_at desc, id desc`).map((r) => r.id as string);

describe("GET /postings: keyset pages", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ prefix: "postings_pages" });
  });
  afterAll(() => h?.close());

  test("an empty board is one empty page", async () => {
    const res = await h.call("GET", "/postings");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  test("equal createdAt: ordered by id, descending, and no row is repeated or skipped across pages", async () => {
    const same = new Date("2024-05-05T05:05:05.555Z");
    const ids = Array.from({ length: 7 }, (_, i) => `00000000-0000-7000-8000-00000000000${i}`);
    await h.insertRows([
      ...ids.map((id) => ({ id, createdAt: same })),
      { id: "ffffffff-0000-7000-8000-000000000000", createdAt: new Date(same.getTime() - 1) },
      { id: "00000000-0000-7000-8000-00000000000f", createdAt: new Date(same.getTime() + 1) },
    ]);
    const { ids: seen, pages } = await walk(h, 2);
    expect(pages).toBe(5);
    expect(seen).toEqual(["00000000-0000-7000-8000-00000000000f", ...[...ids].reverse(), "ffffffff-0000-7000-8000-000000000000"]);
  });

  test("the last page has nextCursor null, also when it is exactly full", async () => {
    const total = (await allIdsInPageOrder(h)).length; // 9
    const exact = await h.call("GET", `/postings?limit=${total}`);
    expect(exact.body.items).toHaveLength(total);
    expect(exact.body.nextCursor).toBeNull();
    const short = await h.call("GET", `/postings?limit=${total - 1}`);
    expect(short.body.nextCursor).toBeString();
    const last = await h.call("GET", `/postings?limit=${total - 1}&cursor=${short.body.nextCursor}`);
    expect(last.body.items).toHaveLength(1);
    expect(last.body.nextCursor).toBeNull();
  });

  test("limit bounds: 1 and 100 work", async () => {
    await h.insertRows(Array.from({ length: 120 }, (_, i) => ({ createdAt: new Date(Date.UTC(2023, 0, 1, 0, 0, i)) })));
    expect((await h.call("GET", "/postings?limit=1")).body.items).toHaveLength(1);
    expect((await h.call("GET", "/postings?limit=100")).body.items).toHaveLength(100);
    expect((await h.call("GET", "/postings?limit=007")).body.items).toHaveLength(7);
  });

  test("pages stay stable while new postings arrive: nothing repeated, nothing skipped", async () => {
    const before = await allIdsInPageOrder(h);
    const author = await h.user("Busy Writer");
    const added: string[] = [];
    const { ids } = await walk(h, 13, async () => {
      added.push((await h.post(author)).id);
    });
    expect(ids).toEqual(before);
    expect(new Set(ids).size).toBe(ids.length);
    expect(added.some((id) => ids.includes(id))).toBe(false);
  });

  test("a cursor survives the deletion of the row it points at", async () => {
    const order = await allIdsInPageOrder(h);
    const first = await h.call("GET", "/postings?limit=3");
    const pointedAt = first.body.items[2].id as string;
    await h.client.sql`delete from postings where id = ${pointedAt}`;
    const second = await h.call("GET", `/postings?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((p: Item) => p.id)).toEqual(order.slice(3, 6));
  });

  test("bad limits are 400 problems naming `limit`", async () => {
    for (const limit of ["0", "101", "-1", "abc", "1.5", "", "1e2", "%20", "1000000000000", "20&limit=30"]) {
      const res = await h.call("GET", `/postings?limit=${limit}`);
      expectProblem(res, 400, "validation");
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(["limit"]);
    }
  });

  test("garbage, tampered, foreign and oversized cursors are 400 problems naming `cursor`", async () => {
    const good = (await h.call("GET", "/postings?limit=2")).body.nextCursor as string;
    const flipped = `${good.slice(0, 10)}${good[10] === "A" ? "B" : "A"}${good.slice(11)}`;
    const foreign = createCursorCodec("some-other-deployment-secret").encode({ createdAt: new Date(), id: crypto.randomUUID() });
    const forged = Buffer.from(JSON.stringify({ createdAt: "2024-01-01T00:00:00Z", id: crypto.randomUUID() })).toString("base64url");
    for (const cursor of [
      "garbage",
      "",
      flipped,
      foreign,
      forged,
      good.slice(0, -1),
      `${good}A`,
      "x".repeat(5_000),
      "%00",
      "' or 1=1 --",
    ]) {
      const res = await h.call("GET", `/postings?cursor=${encodeURIComponent(cursor)}`);
      expectProblem(res, 400, "validation");
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(["cursor"]);
    }
    expect((await h.call("GET", `/postings?limit=2&cursor=${good}`)).status).toBe(200);
  });
});

describe("GET /postings: the page query uses the index at any depth", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ prefix: "postings_explain" });
    // 10 000 rows, some sharing a timestamp, inserted by the database itself (fast).
    await h.client.sql`
      insert into postings (id, title, body, author_id, author_name, created_at, updated_at)
      select gen_random_uuid(), 't' || i, 'b', 'a' || (i % 50), 'Author', ts, ts
      from generate_series(1, 10000) as i,
           lateral (select timestamptz '2024-01-01' + ((i / 3) * interval '1 second') as ts) t`;
    await h.client.sql`analyze postings`;
  });
  afterAll(() => h?.close());

  type PlanNode = { "Node Type": string; "Index Name"?: string; "Index Cond"?: string; Plans?: PlanNode[]; "Shared Hit Blocks"?: number };
  const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

  async function explain(after: { createdAt: Date; id: string } | null) {
    // The statement the repository prepares, with its placeholders filled the way `page` fills them.
    const query = pageStatement(h.db, { afterCursor: after !== null }).toSQL();
    const values: Record<string, unknown> = { limit: 21, ...(after ? { createdAt: after.createdAt.toISOString(), id: after.id } : {}) };
    const params = query.params.map((p) => values[(p as { name: string }).name]);
    const [row] = await h.client.sql.unsafe(`explain (analyze, buffers, format json) ${query.sql}`, params as never[]);
    const plan = (row?.["QUERY PLAN"] as Array<{ Plan: PlanNode }> | undefined)?.[0]?.Plan as PlanNode;
    return { plan, all: nodes(plan) };
  }

  async function positionAt(offset: number) {
    const [row] = await h.client.sql`select created_at, id from postings order by created_at desc, id desc offset ${offset} limit 1`;
    return { createdAt: new Date(row?.created_at as string), id: row?.id as string };
  }

  for (const [what, offset] of [
    ["page 1", null],
    ["page 250 (offset 5000)", 4_999],
    ["the last page (offset 9980)", 9_979],
  ] as const) {
    test(`${what}: an index scan on (created_at desc, id desc), no sort`, async () => {
      const { plan, all } = await explain(offset === null ? null : await positionAt(offset));
      expect(plan["Node Type"]).toBe("Limit");
      const scan = all.find((n) => n["Node Type"] === "Index Scan");
      expect(scan?.["Index Name"]).toBe("postings_created_at_id_idx");
      if (offset !== null) expect(scan?.["Index Cond"]).toContain("ROW(created_at, id) <");
      expect(all.map((n) => n["Node Type"])).not.toContain("Sort");
      expect(all.map((n) => n["Node Type"])).not.toContain("Seq Scan");
      // Reads a handful of pages whatever the depth (a sort of the table would touch all ~100).
      expect(plan["Shared Hit Blocks"] ?? 0).toBeLessThan(30);
    });
  }

  test("following cursors visits all 10 000 rows exactly once, in order", async () => {
    const { ids, pages } = await walk(h, 100);
    expect(pages).toBe(100);
    expect(ids).toEqual(await allIdsInPageOrder(h));
  });
});
