/**
 * Outbox relay throughput: a burst of N outbox rows committed at once, timed until the relay has
 * XADDed and marked them all (batches of OUTBOX_BATCH_SIZE, default 100), on a real database and
 * events Redis; prints events/s per run and the relay process's CPU per event.
 *   TEST_DATABASE_URL=… TEST_EVENTS_REDIS_URL=… bun run scripts/relay-bench.ts [N] [runs]
 */
import { createEventsRedis } from "@msa-board/service-kit/events";
import { createLogger } from "@msa-board/service-kit/logger";
import { requireTestEnv } from "@msa-board/service-kit/test-support";
import { userUpdated } from "../src/events/envelope.ts";
import { OutboxRelay } from "../src/events/outbox-relay.ts";
import { OutboxRepository } from "../src/events/outbox-repository.ts";
import { createHarness } from "../src/test-support/harness.ts";

const n = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 3);
const h = await createHarness({ prefix: "users_relay_bench" });
const logger = createLogger({ service: "bench", write: () => {} });
const redis = createEventsRedis(requireTestEnv("TEST_EVENTS_REDIS_URL"), logger);
try {
  while (!redis.isReady) await Bun.sleep(10);
  const results: Array<{ run: number; events: number; seconds: string; perSecond: number; cpuMsPerEvent: string }> = [];
  for (let run = 0; run <= runs; run++) {
    const stream = `bench:relay:${Date.now()}`;
    const rows = Array.from({ length: n }, (_, i) => userUpdated(crypto.randomUUID(), `name ${i}`));
    await h.db.transaction(async (tx) => {
      for (const row of rows) await new OutboxRepository(tx).add(row);
    });
    const relay = new OutboxRelay({ db: h.db, redis, stream, logger });
    const cpu = process.cpuUsage();
    const started = performance.now();
    let published = 0;
    while (published < n) published += await relay.publishPending();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    await redis.del(stream);
    // Run 0 warms up (JIT, connections, plans) and is not reported.
    if (run > 0) {
      results.push({
        run,
        events: n,
        seconds: seconds.toFixed(2),
        perSecond: Math.round(n / seconds),
        cpuMsPerEvent: ((used.user + used.system) / 1000 / n).toFixed(3),
      });
    }
  }
  console.table(results);
  const sorted = results.map((r) => r.perSecond).sort((a, b) => a - b);
  console.log(`median ${sorted[Math.floor(sorted.length / 2)]} events/s (min ${sorted[0]}, max ${sorted.at(-1)})`);
} finally {
  await redis.close();
  await h.close();
}
