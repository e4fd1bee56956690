import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHarness, type Harness } from "../test-support/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "postings_seed" });
});
afterAll(() => h?.close());

const seed = (args: string[]) =>
  Bun.spawnSync([process.execPath, "run", "src/cli/seed.ts", ...args], {
    cwd: `${import.meta.dir}/../..`,
    env: { ...process.env, DATABASE_URL: h.database.url },
  });

describe("seed script", () => {
  test("fills N postings by M authors over time through COPY and reports rows/s", async () => {
    const run = seed(["--count", "5000", "--authors", "7", "--days", "30"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout.toString()).toMatch(/seeded 5000 postings by 7 authors in [\d.]+ s — \d+ rows\/s/);
    const [stats] = await h.client.sql`
      select count(*)::int as n, count(distinct author_id)::int as authors,
             extract(epoch from max(created_at) - min(created_at))::int as spread_s
      from postings`;
    expect(stats).toMatchObject({ n: 5000, authors: 7 });
    expect(stats?.spread_s).toBeGreaterThan(29 * 86_400);
    expect(await h.count("authors")).toBe(7);

    // The seeded board pages like any other: ids sort like their timestamps, names match authors.
    const page = await h.call("GET", "/postings?limit=100");
    expect(page.body.items).toHaveLength(100);
    expect(page.body.items[0].authorName).toMatch(/^Seed Author \d+$/);
    const ids = page.body.items.map((p: { id: string }) => p.id);
    expect(ids).toEqual([...ids].sort().reverse());
  });

  test("refuses bad arguments with a usage line", () => {
    const run = seed(["--count", "lots"]);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr.toString()).toContain("usage");
  });
});
