import { afterAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { api, eventually, signUpAndLogin, type TestUser } from "../src/support/api.ts";
import { stack } from "../src/support/stack.ts";
import { instanceOf, killProcess, processStatus, waitRestarted, waitServing } from "./support/processes.ts";

/** Read-only looks into each service's own database, to count what was applied — never to change it. */
const database = (name: string) => {
  const url = new URL(stack.databaseUrl);
  url.pathname = `/${name}`;
  return postgres(url.toString(), { max: 2, onnotice: () => {} });
};
const usersDb = database("users");
const postingsDb = database("postings");

afterAll(async () => {
  await usersDb.end();
  await postingsDb.end();
});

async function usersWithPostings(n: number): Promise<TestUser[]> {
  const created: TestUser[] = [];
  for (let i = 0; i < n; i++) {
    const user = await signUpAndLogin(`Burst ${i}`);
    await api("POST", "/postings", { token: user.token, json: { title: `burst ${i}`, body: "b" } });
    created.push(user);
  }
  return created;
}

/** Every deletion applied exactly once: postings gone, and one processed record per event id. */
async function expectDeletionsAppliedOnce(users: TestUser[]): Promise<void> {
  const ids = users.map((u) => u.id);
  await eventually(
    async () => (await postingsDb`select count(*)::int as n from postings where author_id in ${postingsDb(ids)}`)[0]?.n === 0,
    {
      timeoutMs: 30_000,
      intervalMs: 250,
    },
  );
  const events = await usersDb`select id, published_at from outbox where type = 'user.deleted' and data->>'userId' in ${usersDb(ids)}`;
  expect(events.length).toBe(users.length);
  await eventually(async () => (await usersDb`select count(*)::int as n from outbox where published_at is null`)[0]?.n === 0, {
    timeoutMs: 30_000,
  });
  const eventIds = events.map((e) => e.id as string);
  const processed =
    await postingsDb`select event_id, count(*)::int as n from processed_events where event_id in ${postingsDb(eventIds)} group by event_id`;
  expect(processed.length).toBe(eventIds.length);
  for (const row of processed) expect(row.n).toBe(1);
}

describe("no event lost, none applied twice, whatever dies", () => {
  test("events Redis SIGKILLed during a burst of deletions: every deletion applied exactly once", async () => {
    const users = await usersWithPostings(12);
    const before = await processStatus("redis-events");
    const deletions = users.map(async (user, i) => {
      await Bun.sleep(i * 40);
      return api("DELETE", "/user", { token: user.token });
    });
    await Bun.sleep(150);
    await killProcess("redis-events");
    const results = await Promise.all(deletions);
    expect(results.map((r) => r.status)).toEqual(users.map(() => 204));
    await waitRestarted("redis-events", before.restarts);
    await expectDeletionsAppliedOnce(users);
  }, 90_000);

  test("postings (the consumer) SIGKILLed mid-batch: every event applied once after it restarts", async () => {
    const users = await usersWithPostings(12);
    const consumer = await instanceOf("postings");
    const before = await processStatus(consumer);
    const deletions = Promise.all(users.map((user) => api("DELETE", "/user", { token: user.token })));
    await Bun.sleep(60);
    await killProcess(consumer);
    expect((await deletions).map((r) => r.status)).toEqual(users.map(() => 204));
    await waitRestarted(consumer, before.restarts);
    await waitServing("postings");
    await expectDeletionsAppliedOnce(users);
  }, 90_000);

  test("users (the relay) SIGKILLed while publishing: duplicates are absorbed, nothing is lost", async () => {
    const users = await usersWithPostings(8);
    // Writes go to the outbox first; killing users right after the responses races the relay.
    const relay = await instanceOf("users");
    const before = await processStatus(relay);
    const responses = await Promise.all(users.map((user) => api("DELETE", "/user", { token: user.token })));
    await killProcess(relay);
    expect(responses.map((r) => r.status)).toEqual(users.map(() => 204));
    await waitRestarted(relay, before.restarts);
    await waitServing("users");
    await expectDeletionsAppliedOnce(users);
  }, 90_000);

  test("a malformed event goes to the dead-letter stream and does not block the ones after it", async () => {
    const { createClient } = await import("redis");
    const redis = createClient({ url: stack.redisEventsUrl });
    await redis.connect();
    try {
      const deadBefore = await redis.xLen("events.dead").catch(() => 0);
      await redis.xAdd("events", "*", { envelope: "{this is not json" });
      const user = await signUpAndLogin("After Poison");
      const post = await api("POST", "/postings", { token: user.token, json: { title: "t", body: "b" } });
      await api("PATCH", "/user", { token: user.token, json: { name: "Healthy Event" } });
      await eventually(async () => (await api("GET", `/postings/${post.body.id}`)).body.authorName === "Healthy Event", {
        timeoutMs: 10_000,
      });
      await eventually(async () => (await redis.xLen("events.dead")) > deadBefore, { timeoutMs: 10_000 });
      const [last] = (await redis.xRevRange("events.dead", "+", "-", { COUNT: 1 })) ?? [];
      expect(last?.message.envelope).toBe("{this is not json");
      expect(last?.message.error).toBeString();
    } finally {
      await redis.quit();
    }
  }, 60_000);
});
