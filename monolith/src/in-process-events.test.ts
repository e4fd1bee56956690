import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { migratePostingsDatabase, createDatabaseClient as postingsClient, userEventHandlers } from "@msa-board/postings/module";
import { createTestDatabase, InMemorySpanExporter, type TestDatabase } from "@msa-board/service-kit/test-support";
import { migrateUsersDatabase, type PendingEvent, createDatabaseClient as usersClient } from "@msa-board/users/module";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { sql } from "drizzle-orm";
import { inProcessEvents } from "./in-process-events.ts";
import { POSTINGS_SCHEMA } from "./modules/postings.ts";
import { USERS_SCHEMA } from "./modules/users.ts";

// One database with a schema per module, migrated the way the monolith does it at start-up.
let database: TestDatabase;
let users: ReturnType<typeof usersClient>;
let postings: ReturnType<typeof postingsClient>;
const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer("test");
const events = inProcessEvents({
  publisherSchema: USERS_SCHEMA,
  subscribers: [{ module: "postings", schema: POSTINGS_SCHEMA, handlers: userEventHandlers }],
  tracer,
});

beforeAll(async () => {
  database = await createTestDatabase("monolith_test");
  await migrateUsersDatabase(database.url, { schema: USERS_SCHEMA });
  await migratePostingsDatabase(database.url, { schema: POSTINGS_SCHEMA });
  users = usersClient(database.url, { max: 2, searchPath: USERS_SCHEMA });
  postings = postingsClient(database.url, { max: 2, searchPath: POSTINGS_SCHEMA });
});

afterAll(async () => {
  await users?.close();
  await postings?.close();
  await database?.drop();
});

const event = (type: "user.updated" | "user.deleted", data: Record<string, string>): PendingEvent =>
  ({ id: Bun.randomUUIDv7(), type, data, traceparent: null }) as PendingEvent;

/** A user in schema users and one posting of theirs in schema postings, as the apps would leave them. */
async function seed(name: string): Promise<{ userId: string; postingId: string }> {
  const [user] = await users.sql<{ id: string }[]>`
    insert into users (email, name, password_hash) values (${`${crypto.randomUUID()}@t.test`}, ${name}, 'x') returning id`;
  const userId = user?.id as string;
  const postingId = crypto.randomUUID();
  await postings.sql`insert into authors (id, name, name_as_of) values (${userId}, ${name}, now() - interval '1 minute')`;
  await postings.sql`insert into postings (id, title, body, author_id, author_name) values (${postingId}, 't', 'b', ${userId}, ${name})`;
  return { userId, postingId };
}

const authorNameOf = async (postingId: string) =>
  (await postings.sql<{ author_name: string }[]>`select author_name from postings where id = ${postingId}`)[0]?.author_name;

describe("users' events in-process, in the writing transaction", () => {
  test("a rename reaches postings' tables (another schema) when the change commits", async () => {
    const { userId, postingId } = await seed("Old");
    await users.db.transaction(async (tx) => {
      await tx.execute(sql`update users set name = 'New' where id = ${userId}`);
      await events.publish(tx, event("user.updated", { userId, name: "New" }));
      // Back in users' schema for whatever the writer does next.
      const [row] = await tx.execute<{ name: string }>(sql`select name from users where id = ${userId}`);
      expect(row?.name).toBe("New");
    });
    expect(await authorNameOf(postingId)).toBe("New");
  });

  test("when the writer's transaction fails after publishing, the reaction rolls back with it", async () => {
    const { userId, postingId } = await seed("Kept");
    const failing = users.db.transaction(async (tx) => {
      await tx.execute(sql`update users set name = 'Lost' where id = ${userId}`);
      await events.publish(tx, event("user.updated", { userId, name: "Lost" }));
      throw new Error("the writer fails after its event");
    });
    await expect(failing).rejects.toThrow("the writer fails after its event");
    expect(await authorNameOf(postingId)).toBe("Kept");
    const [user] = await users.sql<{ name: string }[]>`select name from users where id = ${userId}`;
    expect(user?.name).toBe("Kept");
  });

  test("a deletion removes the account's postings in the same transaction, and its span says so", async () => {
    const { userId, postingId } = await seed("Leaving");
    exporter.reset();
    await users.db.transaction(async (tx) => {
      await tx.execute(sql`delete from users where id = ${userId}`);
      await events.publish(tx, event("user.deleted", { userId }));
    });
    expect(await authorNameOf(postingId)).toBeUndefined();
    const span = exporter.getFinishedSpans().find((s) => s.name === "postings handle user.deleted");
    expect(span?.attributes["msa.module"]).toBe("postings");
    expect(span?.attributes["event.result.postingsDeleted"]).toBe("1");
  });

  test("an event whose data the handler refuses fails the change instead of being dropped", async () => {
    const { userId, postingId } = await seed("Strict");
    const bad = users.db.transaction(async (tx) => {
      await tx.execute(sql`update users set name = 'Never' where id = ${userId}`);
      await events.publish(tx, event("user.updated", { userId, name: "" }));
    });
    await expect(bad).rejects.toThrow();
    expect(await authorNameOf(postingId)).toBe("Strict");
  });

  test("each module's tables live in its own schema", async () => {
    const rows = await users.sql<{ table_schema: string; table_name: string }[]>`
      select table_schema, table_name from information_schema.tables
      where table_schema in ('users', 'postings', 'public') and table_type = 'BASE TABLE' order by 1, 2`;
    const bySchema = (schema: string) => rows.filter((r) => r.table_schema === schema).map((r) => r.table_name);
    expect(bySchema("users")).toEqual(expect.arrayContaining(["users", "signing_keys", "__drizzle_migrations"]));
    expect(bySchema("postings")).toEqual(expect.arrayContaining(["postings", "authors", "__drizzle_migrations"]));
    expect(bySchema("public")).toEqual([]);
  });
});
