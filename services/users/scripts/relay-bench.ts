/**
 * Outbox relay cost: bursts of N outbox rows (sampled traceparents, as PATCH /user writes them)
 * committed at once, timed until the relay has XADDed and marked them all, wired and traced as
 * main.ts runs it (OTLP protobuf, batches of 2,048 spans) — to a sink in a child process of its own,
 * so receiving the spans is not counted. Prints events/s and this process's CPU per event, its event
 * loop's (the main thread) apart from JavaScriptCore's compiler and collector threads.
 *   TEST_DATABASE_URL=… TEST_EVENTS_REDIS_URL=… bun run scripts/relay-bench.ts [N=10000] [runs=3] [--untraced]
 */
import { readdirSync, readFileSync } from "node:fs";
import { createEventsRedis } from "@msa-board/service-kit/events";
import { createLogger } from "@msa-board/service-kit/logger";
import { createTestDatabase, requireTestEnv } from "@msa-board/service-kit/test-support";
import { startTracing } from "@msa-board/service-kit/tracing";
import { createDatabaseClient } from "../src/db/client.ts";
import { migrateUsersDatabase } from "../src/db/migrations.ts";
import { OutboxRelay } from "../src/events/outbox-relay.ts";

const [n = 10_000, runs = 3] = process.argv
  .slice(2)
  .filter((a) => !a.startsWith("--"))
  .map(Number);
const traced = !process.argv.includes("--untraced");

// A server that takes OTLP exports and answers 200, in its own process; it prints its port.
const sink = Bun.spawn(
  [
    process.execPath,
    "-e",
    `const s = Bun.serve({ port: 0, hostname: "127.0.0.1", async fetch(r) { await r.arrayBuffer(); return new Response(); } }); console.log(s.port);`,
  ],
  { stdout: "pipe" },
);
const sinkPort = Number(await firstLine(sink.stdout));

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the OTLP sink ended before it said its port");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return text.trim();
}

const ticksPerSecond = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim());

/** CPU seconds of this process's event loop (the thread whose id is the pid) and of its other threads (JIT, GC, I/O). */
function threadCpu(): { main: number; other: number } {
  let main = 0;
  let other = 0;
  for (const tid of readdirSync("/proc/self/task")) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const seconds = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
    if (Number(tid) === process.pid) main += seconds;
    else other += seconds;
  }
  return { main, other };
}

const tracing = startTracing({ serviceName: "users", otlpEndpoint: `http://127.0.0.1:${sinkPort}`, enabled: traced });
const database = await createTestDatabase("users_relay_bench");
await migrateUsersDatabase(database.url);
const client = createDatabaseClient(database.url, { tracer: tracing.tracer });
const logger = createLogger({ service: "bench", write: () => {} });
const redis = createEventsRedis(requireTestEnv("TEST_EVENTS_REDIS_URL"), logger);
const hex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");
try {
  while (!redis.isReady) await Bun.sleep(10);
  for (let run = 0; run <= runs; run++) {
    const stream = `bench:relay:${Date.now()}`;
    const rows = Array.from({ length: n }, (_, i) => ({
      id: Bun.randomUUIDv7(),
      type: "user.updated",
      traceparent: `00-${hex(16)}-${hex(8)}-01`,
      data: JSON.stringify({ userId: crypto.randomUUID(), name: `name ${i}` }),
    }));
    await client.sql.begin(async (tx) => {
      for (let i = 0; i < n; i += 1_000) await tx`insert into outbox ${tx(rows.slice(i, i + 1_000), "id", "type", "traceparent", "data")}`;
    });
    // As main.ts wires it: the kit's client, no per-command timer on the relay's XADDs.
    const relay = new OutboxRelay({
      db: client.db,
      redis,
      stream,
      logger,
      tracer: tracing.tracer,
    });
    const cpu = threadCpu();
    const started = performance.now();
    let published = 0;
    while (published < n) published += await relay.publishPending();
    await tracing.flush();
    const seconds = (performance.now() - started) / 1000;
    const used = threadCpu();
    await redis.del(stream);
    await client.sql`delete from outbox`;
    // Run 0 warms up (JIT, connections, plans) and is not reported.
    if (run === 0) continue;
    const perEvent = (s: number) => `${((s * 1e6) / n).toFixed(0)} µs`;
    console.log(
      `run ${run}: ${Math.round(n / seconds)} events/s; CPU per event: event loop ${perEvent(used.main - cpu.main)}, other threads ${perEvent(used.other - cpu.other)}${traced ? "" : " (untraced)"}`,
    );
  }
} finally {
  await redis.close();
  await client.close();
  await database.drop();
  await tracing.shutdown();
  sink.kill();
}
