import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { sql as dsql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { Hono } from "hono";
import postgres from "postgres";
import { handleErrors } from "../http/error-handler.ts";
import { createLogger } from "../logger.ts";
import { createTestDatabase, type TestDatabase } from "../test-support/database.ts";
import { traceRequests } from "../tracing/http.ts";
import { instrumentPostgres } from "../tracing/postgres.ts";
import { redactDatabaseError, safeErrorMessage } from "./safe-error.ts";

// Values shaped like what users binds: an email and an argon2id hash.
const EMAIL = "victim.secret@example.com";
const HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0c2FsdA$c2VjcmV0aGFzaHZhbHVl";

let database: TestDatabase;
let client: postgres.Sql;
const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer("t");
let db: ReturnType<typeof drizzle>;

beforeAll(async () => {
  database = await createTestDatabase("kit_safe_err");
  client = postgres(database.url, { max: 2, onnotice: () => {} });
  db = drizzle(instrumentPostgres(client, { tracer }));
  await db.execute(dsql`create table accounts (id uuid primary key, email text unique not null, password_hash text not null)`);
  await db.execute(dsql`insert into accounts values (gen_random_uuid(), ${EMAIL}, ${HASH})`);
});
afterAll(async () => {
  await client.end({ timeout: 5 });
  await database.drop();
});

const uniqueViolation = () => db.execute(dsql`insert into accounts values (gen_random_uuid(), ${EMAIL}, ${HASH})`);
const badUuid = () => db.execute(dsql`select * from accounts where id = ${EMAIL}::uuid`);

/** Everything a span exports about itself: attributes, status and event (exception) attributes. */
const exported = (spans: ReadableSpan[]) =>
  JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events })));

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

describe("database errors without their parameters", () => {
  test("drizzle's error message carries the parameters (the reason for all this)", async () => {
    const err = (await caught(uniqueViolation)) as Error;
    expect(err.message).toContain(EMAIL);
    expect(err.message).toContain(HASH);
  });

  test("redactDatabaseError keeps the SQL, SQLSTATE and constraint, drops the values (unique violation and data exception)", async () => {
    const unique = redactDatabaseError(await caught(uniqueViolation));
    expect(unique?.message).toContain("insert into accounts values");
    expect(unique?.message).toContain("SQLSTATE 23505");
    expect(unique?.message).toContain("accounts_email_key");
    expect((unique as { code?: string }).code).toBe("23505");
    const invalid = redactDatabaseError(await caught(badUuid));
    expect(invalid?.message).toContain("SQLSTATE 22P02");
    for (const safe of [unique, invalid]) {
      const everything = `${safe?.message}\n${safe?.stack}\n${(safe?.cause as Error)?.message}\n${JSON.stringify(safe)}`;
      expect(everything).not.toContain(EMAIL);
      expect(everything).not.toContain(HASH);
    }
    expect(safeErrorMessage(await caught(badUuid))).not.toContain(EMAIL);
    expect(redactDatabaseError(new Error("not a database error"))).toBeUndefined();
  });

  test("the SQL spans' recorded exceptions hold neither the email nor the hash", async () => {
    exporter.reset();
    await caught(uniqueViolation);
    await caught(badUuid);
    const spans = exporter.getFinishedSpans();
    expect(spans.filter((s) => s.status.code === 2)).toHaveLength(2);
    expect(spans.every((s) => s.events.some((e) => e.name === "exception"))).toBe(true);
    expect(exported(spans)).toContain("SQLSTATE 23505");
    expect(exported(spans)).not.toContain(EMAIL);
    expect(exported(spans)).not.toContain(HASH);
  });

  test("an unhandled database error reaching handleErrors: neither its log line nor the request span holds the values", async () => {
    const lines: string[] = [];
    const app = new Hono();
    app.onError(handleErrors(createLogger({ service: "test", write: (l) => lines.push(l) })));
    app.get("/unique", async () => {
      await uniqueViolation();
      return new Response("unreachable");
    });
    app.get("/uuid", async () => {
      await badUuid();
      return new Response("unreachable");
    });
    exporter.reset();
    for (const path of ["/unique", "/uuid"]) {
      await tracer.startActiveSpan(`GET ${path}`, async (span) => {
        const res = await app.request(path);
        expect(res.status).toBe(500);
        expect(await res.text()).not.toContain(EMAIL);
        span.end();
      });
    }
    expect(lines.filter((l) => l.includes("unhandled error"))).toHaveLength(2);
    const logs = lines.join("\n");
    expect(logs).toContain("SQLSTATE 23505");
    const spans = exported(exporter.getFinishedSpans());
    expect(spans).toContain("GET /unique");
    for (const text of [logs, spans]) {
      expect(text).not.toContain(EMAIL);
      expect(text).not.toContain(HASH);
    }
  });

  test("the server span of traceRequests records the error without its values", async () => {
    const app = new Hono();
    app.use(traceRequests({ serviceName: "kit-test", tracer }));
    app.onError(handleErrors(createLogger({ service: "test", write: () => {} })));
    app.post("/sign-up", async () => {
      await uniqueViolation();
      return new Response("unreachable");
    });
    exporter.reset();
    expect((await app.request("/sign-up", { method: "POST" })).status).toBe(500);
    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.name === "POST /sign-up");
    expect(server?.events.some((e) => e.name === "exception")).toBe(true);
    expect(exported(spans)).toContain("SQLSTATE 23505");
    expect(exported(spans)).not.toContain(EMAIL);
    expect(exported(spans)).not.toContain(HASH);
  });

  test("the logger redacts a database error passed in any field", async () => {
    const lines: string[] = [];
    const logger = createLogger({ service: "test", write: (l) => lines.push(l) });
    logger.warn("retrying", { err: await caught(uniqueViolation), nested: { cause: await caught(badUuid) } });
    expect(lines.join("\n")).not.toContain(EMAIL);
    expect(lines.join("\n")).not.toContain(HASH);
  });
});
