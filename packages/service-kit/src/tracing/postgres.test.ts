import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { sql as dsql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { createTestDatabase, type TestDatabase } from "../test-support/database.ts";
import { instrumentPostgres } from "./postgres.ts";
import { startTracing } from "./provider.ts";

let database: TestDatabase;
let client: postgres.Sql;
const exporter = new InMemorySpanExporter();

beforeAll(async () => {
  startTracing({ serviceName: "kit-test", exporter });
  database = await createTestDatabase("kit_pg");
  client = postgres(database.url, { max: 2, onnotice: () => {} });
});

afterAll(async () => {
  await client?.end({ timeout: 5 });
  await database?.drop();
});

describe("instrumentPostgres", () => {
  test("drizzle queries and transactions become child spans with statements and no parameters", async () => {
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer("t");
    const traced = instrumentPostgres(client, { tracer, dbName: database.name, host: "127.0.0.1", port: 5432 });
    const db = drizzle(traced);
    exporter.reset();
    await tracer.startActiveSpan("request", async (root) => {
      await db.execute(dsql`create table t (id int primary key, secret text)`);
      await db.transaction(async (tx) => {
        await tx.execute(dsql`insert into t values (${1}, ${"hunter2"})`);
      });
      await traced`select count(*) from t where id = ${1}`;
      root.end();
    });
    const spans = exporter.getFinishedSpans();
    const root = spans.find((s) => s.name === "request");
    const byParent = (id: string | undefined) => spans.filter((s) => s.parentSpanContext?.spanId === id);
    expect(root).toBeDefined();
    const direct = byParent(root?.spanContext().spanId);
    expect(direct.map((s) => s.name)).toEqual(["CREATE", "transaction", "SELECT t"]);
    const tx = direct[1];
    const inTx = byParent(tx?.spanContext().spanId);
    expect(inTx.map((s) => s.name)).toEqual(["INSERT t"]);
    expect(inTx[0]?.attributes["db.system"]).toBe("postgresql");
    expect(String(inTx[0]?.attributes["db.statement"])).toContain("insert into t values ($1, $2)");
    // One name per attribute: no newer-convention duplicates of the database name or the SQL.
    expect(Object.keys(inTx[0]?.attributes ?? {}).sort()).toEqual(
      ["db.name", "db.response.returned_rows", "db.statement", "db.system", "server.address", "server.port"].sort(),
    );
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain("hunter2");
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  test("a failing statement marks its span as an error and still rejects", async () => {
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const traced = instrumentPostgres(client, { tracer: provider.getTracer("t") });
    exporter.reset();
    await expect(traced.unsafe("select * from no_such_table")).rejects.toThrow();
    const span = exporter.getFinishedSpans()[0];
    expect(span?.status.code).toBe(2);
  });
});
