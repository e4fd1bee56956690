import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { api, eventually, signUpAndLogin, type TestUser } from "../src/support/api.ts";
import { stack } from "../src/support/stack.ts";
import { database, eventsOf } from "./support/databases.ts";
import { FaultProxy } from "./support/toxics.ts";

/**
 * Faults a SIGKILL never shows — a slow link, a stalled socket, a reset connection — on exactly one
 * service→store link, through the test stack's Toxiproxy.
 */
const proxy = FaultProxy.of(stack);
const usersDb = database("users", stack.databaseUrl);
const postingsDb = database("postings", stack.databaseUrl);

afterEach(() => proxy.reset());
afterAll(async () => {
  await proxy.reset();
  await usersDb.end();
  await postingsDb.end();
});

async function timed(path: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const res = await api("GET", path);
  return { status: res.status, ms: performance.now() - t0 };
}

async function authorsWithPostings(n: number, tag: string): Promise<Array<TestUser & { postId: string }>> {
  const created: Array<TestUser & { postId: string }> = [];
  for (let i = 0; i < n; i++) {
    const user = await signUpAndLogin(`${tag} ${i}`);
    const post = await api("POST", "/postings", { token: user.token, json: { title: `${tag} ${i}`, body: "b" } });
    expect(post.status).toBe(201);
    created.push({ ...user, postId: post.body.id });
  }
  return created;
}

describe("faults on one store link (Toxiproxy)", () => {
  test("200 ms latency on postings→PostgreSQL: reads stay correct, only slower; the other services are untouched", async () => {
    const before = await timed("/postings?limit=5");
    expect(before.status).toBe(200);
    await proxy.with("postings-postgres", { type: "latency", attributes: { latency: 200 } }, async () => {
      for (let i = 0; i < 5; i++) {
        const slow = await timed("/postings?limit=5");
        expect(slow.status).toBe(200);
        expect(slow.ms).toBeGreaterThanOrEqual(200);
        expect((await timed("/notice")).status).toBe(200);
      }
    });
    // Timing on a shared machine is noisy: one fast read shows the toxic is gone. It must be a 200: a
    // health check that timed out during the toxic can leave postings out of the pool for a moment,
    // and the gateway's fast 503 then is no recovery (the next test would start against it).
    await eventually(
      async () => {
        const read = await timed("/postings?limit=5");
        return read.status === 200 && read.ms < 200;
      },
      { timeoutMs: 15_000 },
    );
  }, 60_000);

  test("users→events Redis resets every connection during renames: every rename acknowledged and applied once", async () => {
    const authors = await authorsWithPostings(6, "Reset");
    await proxy.with("users-redis-events", { type: "reset_peer", attributes: { timeout: 0 } }, async () => {
      const renames = await Promise.all(
        authors.map((a, i) => api("PATCH", "/user", { token: a.token, json: { name: `Reset Renamed ${i}` } })),
      );
      // The outbox takes the write in users' own transaction: a dead event link never fails it.
      expect(renames.map((r) => r.status)).toEqual(authors.map(() => 200));
      await Bun.sleep(1_500);
    });
    await eventually(
      async () => {
        for (const [i, a] of authors.entries()) {
          if ((await api("GET", `/postings/${a.postId}`)).body.authorName !== `Reset Renamed ${i}`) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const check = await eventsOf(
      usersDb,
      postingsDb,
      authors.map((a) => a.id),
      "user.updated",
    );
    expect(check.events).toBe(authors.length);
    expect(check.unprocessed).toEqual([]);
    expect(check.duplicated).toEqual([]);
  }, 90_000);

  test("postings→events Redis stalled for 8 s during deletions and renames: the consumer catches up, each event applied once", async () => {
    const leaving = await authorsWithPostings(5, "Stalled Leaver");
    const renamed = await authorsWithPostings(5, "Stalled Renamed");
    // Responses from Redis stop reaching the consumer (its commands still arrive): a stalled socket.
    const stall = await proxy.add("postings-redis-events", { type: "timeout", attributes: { timeout: 0 } });
    try {
      const writes = await Promise.all([
        ...leaving.map((a) => api("DELETE", "/user", { token: a.token })),
        ...renamed.map((a, i) => api("PATCH", "/user", { token: a.token, json: { name: `After Stall ${i}` } })),
      ]);
      expect(writes.map((w) => w.status)).toEqual([...leaving.map(() => 204), ...renamed.map(() => 200)]);
      await Bun.sleep(8_000);
    } finally {
      await proxy.remove("postings-redis-events", stall);
    }
    const ids = [...leaving, ...renamed].map((a) => a.id);
    await eventually(
      async () => {
        const left = await postingsDb`select count(*)::int as n from postings where author_id in ${postingsDb(leaving.map((a) => a.id))}`;
        if (left[0]?.n !== 0) return false;
        for (const [i, a] of renamed.entries()) {
          if ((await api("GET", `/postings/${a.postId}`)).body.authorName !== `After Stall ${i}`) return false;
        }
        const check = await eventsOf(usersDb, postingsDb, ids);
        return check.unprocessed.length === 0;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const check = await eventsOf(usersDb, postingsDb, ids);
    expect(check.events).toBe(ids.length);
    expect(check.duplicated).toEqual([]);
  }, 120_000);

  test("postings→PostgreSQL stalled: postings answers a problem (not a hang) within the gateway's timeout, and recovers", async () => {
    const stall = await proxy.add("postings-postgres", { type: "timeout", attributes: { timeout: 0 } });
    try {
      const t0 = performance.now();
      const res = await api("GET", "/postings?limit=3");
      const ms = performance.now() - t0;
      expect([503, 504]).toContain(res.status);
      expect(res.headers.get("content-type")).toStartWith("application/problem+json");
      expect(ms).toBeLessThan(12_000);
      expect((await timed("/notice")).status).toBe(200);
    } finally {
      await proxy.remove("postings-postgres", stall);
    }
    await eventually(async () => (await timed("/postings?limit=3")).status === 200, { timeoutMs: 20_000, intervalMs: 250 });
  }, 60_000);
});
