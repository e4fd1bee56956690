/**
 * Consumer throughput: N user.updated events (distinct users) already in a stream, timed until the
 * consumer has applied them all (read COUNT CONSUMER_BATCH_SIZE, CONSUMER_EVENTS_PER_TRANSACTION per
 * transaction), on a real database and events Redis; prints events/s and this process's CPU per event.
 *   TEST_DATABASE_URL=… TEST_EVENTS_REDIS_URL=… bun run scripts/consumer-bench.ts [N] [runs] [per transaction]
 */
import { createConsumerFixture } from "../src/test-support/consumer.ts";
import { envelope } from "../src/test-support/redis.ts";

const n = Number(process.argv[2] ?? 5_000);
const runs = Number(process.argv[3] ?? 3);
const perTransaction = Number(process.argv[4] ?? 64);
const f = await createConsumerFixture("postings_consumer_bench");
try {
  for (let run = 0; run <= runs; run++) {
    const names = await f.freshGroup();
    const multi = f.redis.multi();
    for (let i = 0; i < n; i++) {
      const event = envelope({ type: "user.updated", data: { userId: crypto.randomUUID(), name: `name ${i}` } });
      multi.xAdd(names.stream, "*", { envelope: JSON.stringify(event) });
    }
    await multi.exec();
    const consumer = f.consumer(names, { maxEventsPerTransaction: perTransaction });
    const cpu = process.cpuUsage();
    const started = performance.now();
    let handled = 0;
    while (handled < n) handled += await consumer.readNew(10);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    f.h.logs.length = 0;
    // Run 0 warms up (JIT, connections, plans) and is not reported.
    if (run > 0)
      console.log(
        `run ${run}: ${n} events, ${Math.round(n / seconds)} events/s, ${((used.user + used.system) / 1000 / n).toFixed(3)} ms CPU/event (${perTransaction} per transaction)`,
      );
  }
} finally {
  await f.close();
}
