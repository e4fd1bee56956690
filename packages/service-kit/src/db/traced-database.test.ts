import { afterAll, beforeAll, expect, test } from "bun:test";
import postgres from "postgres";
import { createTestDatabase, type TestDatabase } from "../test-support/database.ts";
import { createTracedDatabase } from "./traced-database.ts";

let database: TestDatabase;
let observer: postgres.Sql;

beforeAll(async () => {
  database = await createTestDatabase("kit_pool_idle");
  observer = postgres(database.url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await observer.end({ timeout: 5 });
  await database.drop();
});

const backendsOf = async (applicationName: string) =>
  (await observer`select count(*)::int as n from pg_stat_activity where application_name = ${applicationName}`)[0]?.n as number;

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await Bun.sleep(100);
  }
  return condition();
}

test("a burst opens the pool; its backends close once they sit unused past the idle timeout, and the next query opens one again", async () => {
  const traced = createTracedDatabase(database.url, { schema: {}, applicationName: "kit-pool-idle", max: 4, idleTimeoutSeconds: 1 });
  try {
    // Four at once: each holds its connection, so the pool opens four backends.
    await Promise.all([1, 2, 3, 4].map(() => traced.sql`select pg_sleep(0.2)`));
    expect(await backendsOf("kit-pool-idle")).toBe(4);
    expect(await until(async () => (await backendsOf("kit-pool-idle")) === 0, 10_000)).toBe(true);
    expect(await traced.sql`select 1 as one`).toEqual([{ one: 1 }]);
    expect(await backendsOf("kit-pool-idle")).toBe(1);
  } finally {
    await traced.close();
  }
});

test("by default the pool keeps a connection for half a minute unused, not for good", async () => {
  const traced = createTracedDatabase(database.url, { schema: {}, applicationName: "kit-pool-default" });
  try {
    await traced.sql`select 1`;
    expect(traced.sql.options.idle_timeout).toBe(30);
  } finally {
    await traced.close();
  }
});
