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
    expect([...(await traced.sql`select 1 as one`)]).toEqual([{ one: 1 }]);
    expect(await backendsOf("kit-pool-idle")).toBe(1);
  } finally {
    await traced.close();
  }
});

test("with a poller touching the pool every 100 ms (an idle timeout never fires), the lifetime shrinks it to the one connection it needs", async () => {
  const traced = createTracedDatabase(database.url, { schema: {}, applicationName: "kit-pool-life", max: 4, lifetimeSeconds: 1 });
  let polling = true;
  const poller = (async () => {
    while (polling) {
      await traced.sql`select 1`;
      await Bun.sleep(100);
    }
  })();
  try {
    await Promise.all([1, 2, 3, 4].map(() => traced.sql`select pg_sleep(0.2)`));
    expect(await backendsOf("kit-pool-life")).toBe(4);
    expect(await until(async () => (await backendsOf("kit-pool-life")) === 1, 10_000)).toBe(true);
  } finally {
    polling = false;
    await poller;
    await traced.close();
  }
});

test("by default a pooled connection closes after half a minute unused, and lives half a minute", async () => {
  const traced = createTracedDatabase(database.url, { schema: {}, applicationName: "kit-pool-default" });
  try {
    await traced.sql`select 1`;
    expect({ idle: traced.sql.options.idle_timeout, lifetime: traced.sql.options.max_lifetime }).toEqual({ idle: 30, lifetime: 30 });
  } finally {
    await traced.close();
  }
});
