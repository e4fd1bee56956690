import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "@msa-board/service-kit/logger";
import postgres from "postgres";
import { createDatabaseClient, type DatabaseClient } from "../db/client.ts";
import { createTestEventsRedis } from "../test-support/events-redis.ts";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { userUpdated } from "./envelope.ts";
import { OutboxRelay } from "./outbox-relay.ts";
import { OutboxRepository } from "./outbox-repository.ts";

let h: Harness;
let redis: Awaited<ReturnType<typeof createTestEventsRedis>>;
const clients: DatabaseClient[] = [];

beforeAll(async () => {
  h = await createHarness({ prefix: "users_relay_sql" });
  redis = await createTestEventsRedis();
});
afterEach(async () => {
  if (h) await h.client.sql`delete from outbox`;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await redis?.close();
  await h?.close();
});

/** A one-connection pool, connected, whose every statement from now on (BEGIN and COMMIT included) is recorded as sent. */
async function recordedClient() {
  const client = createDatabaseClient(h.database.url, { max: 1 });
  clients.push(client);
  await client.sql`select 1`; // connects (and reads the array types, once per connection)
  const sent: string[] = [];
  client.sql.options.debug = (_connection, query) => sent.push(query.replace(/\s+/g, " ").trim());
  return { client, sent };
}

const relayOver = (client: DatabaseClient, stream: string) =>
  new OutboxRelay({ db: client.db, redis: redis.admin, stream, logger: createLogger({ service: "users", write: () => {} }) });

async function addEvents(count: number): Promise<string[]> {
  const events = Array.from({ length: count }, (_, i) => userUpdated(crypto.randomUUID(), `name ${i}`));
  for (const event of events) await new OutboxRepository(h.db).add(event);
  return events.map((e) => e.id);
}

describe("OutboxRelay statements", () => {
  test("a pass is BEGIN, one claim (holding the relay lock), one UPDATE for the batch, COMMIT — both prepared", async () => {
    const { client, sent } = await recordedClient();
    await addEvents(30);
    const relay = relayOver(client, redis.stream("statements"));
    expect(await relay.publishPending()).toBe(30);
    expect(sent).toHaveLength(4);
    expect(sent[0]).toBe("begin");
    expect(sent[1]).toStartWith("select ");
    expect(sent[1]).toContain("pg_try_advisory_xact_lock");
    expect(sent[1]).toContain("for update skip locked");
    expect(sent[2]).toStartWith('update "outbox"');
    // The batch is one array parameter, whatever its size: the text is the same for every batch.
    expect(sent[2]).toContain("= any($");
    expect(sent[3]).toBe("commit");

    // A second pass finds nothing and marks nothing.
    sent.length = 0;
    expect(await relay.publishPending()).toBe(0);
    expect(sent.map((s) => s.split(" ")[0])).toEqual(["begin", "select", "commit"]);

    // Prepared on the pool's one connection: parsed and planned once, one round trip each from then on.
    const prepared = (await client.sql`select statement from pg_prepared_statements`).map((r) => String(r.statement));
    expect(prepared.some((s) => s.includes("pg_try_advisory_xact_lock") && s.includes("for update skip locked"))).toBe(true);
    expect(prepared.some((s) => s.startsWith('update "outbox"'))).toBe(true);
  });

  test("while another relay holds the lock, the claim takes nothing and locks no row; once it is free, everything goes out", async () => {
    const ids = await addEvents(5);
    const other = postgres(h.database.url, { max: 2, onnotice: () => {} });
    try {
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let held: () => void = () => {};
      const holding = new Promise<void>((resolve) => {
        held = resolve;
      });
      const otherRelay = other.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(${0x72656c61})`; // the relay's lock key ("rela")
        held();
        await released;
      });
      await holding;
      const { client } = await recordedClient();
      const stream = redis.stream("locked");
      const relay = relayOver(client, stream);
      expect(await relay.publishPending()).toBe(0);
      // No row was locked by the claim that did not get the relay lock: all can be locked at once.
      const lockable = await other.begin((tx) => tx`select id from outbox where id in ${tx(ids)} for update nowait`);
      expect(lockable).toHaveLength(5);
      expect(await redis.admin.xLen(stream)).toBe(0);
      release();
      await otherRelay;
      expect(await relay.publishPending()).toBe(5);
      expect((await redis.entries(stream)).map((e) => e.envelope.id)).toEqual(ids);
    } finally {
      await other.end({ timeout: 5 });
    }
  });
});
