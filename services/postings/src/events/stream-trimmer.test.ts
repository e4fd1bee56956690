import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "@msa-board/service-kit/logger";
import { createTestStreams, type TestStreams } from "../test-support/redis.ts";
import { StreamTrimmer } from "./stream-trimmer.ts";

let t: TestStreams;
beforeAll(async () => {
  t = await createTestStreams();
});
afterAll(() => t?.close());

const logger = createLogger({ service: "postings", write: () => {} });

async function fill(stream: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await t.redis.xAdd(stream, "*", { envelope: `{"n":${i}}` }));
  return ids;
}

async function read(stream: string, group: string, consumer: string, count: number): Promise<string[]> {
  const reply = (await t.redis.sendCommand([
    "XREADGROUP",
    "GROUP",
    group,
    consumer,
    "COUNT",
    String(count),
    "STREAMS",
    stream,
    ">",
  ])) as Array<[string, Array<[string, unknown]>]> | null;
  return reply?.[0]?.[1].map(([id]) => id) ?? [];
}

const remaining = async (stream: string) => ((await t.redis.xRange(stream, "-", "+")) ?? []).map((e) => e.id);

describe("StreamTrimmer", () => {
  test("trims acknowledged entries only: pending and undelivered entries stay", async () => {
    const { stream, group } = t.fresh();
    const ids = await fill(stream, 10);
    await t.redis.xGroupCreate(stream, group, "0");
    const delivered = await read(stream, group, "c1", 6); // 1–6 delivered
    await t.redis.xAck(stream, group, delivered.slice(0, 2)); // 1–2 acknowledged; 3–6 pending; 7–10 undelivered
    await t.redis.xAck(stream, group, delivered[4] as string); // 5 acknowledged, but 3 is still pending before it

    const trimmer = new StreamTrimmer({ redis: t.redis, stream, logger, approximate: false });
    expect(await trimmer.safeThreshold()).toBe(ids[2] as string);
    const result = await trimmer.trimOnce();
    expect(result).toEqual({ threshold: ids[2] as string, removed: 2 });
    expect(await remaining(stream)).toEqual(ids.slice(2));

    // Once everything delivered is acknowledged, only the undelivered (and the last delivered) remain.
    await t.redis.xAck(stream, group, delivered);
    await trimmer.trimOnce();
    expect(await remaining(stream)).toEqual(ids.slice(5));
  });

  test("the slowest group decides", async () => {
    const { stream, group } = t.fresh();
    const ids = await fill(stream, 8);
    await t.redis.xGroupCreate(stream, group, "0");
    await t.redis.xGroupCreate(stream, `${group}-slow`, "0");
    await t.redis.xAck(stream, group, await read(stream, group, "fast", 8));
    await t.redis.xAck(stream, `${group}-slow`, await read(stream, `${group}-slow`, "slow", 3));
    await new StreamTrimmer({ redis: t.redis, stream, logger, approximate: false }).trimOnce();
    expect(await remaining(stream)).toEqual(ids.slice(2));
  });

  test("a stream nobody consumes yet, or a group that read nothing, is left alone", async () => {
    const { stream, group } = t.fresh();
    const ids = await fill(stream, 5);
    const trimmer = new StreamTrimmer({ redis: t.redis, stream, logger, approximate: false });
    expect(await trimmer.trimOnce()).toEqual({ threshold: null, removed: 0 });
    await t.redis.xGroupCreate(stream, group, "0");
    expect(await trimmer.trimOnce()).toEqual({ threshold: null, removed: 0 });
    expect(await remaining(stream)).toEqual(ids);
    expect(await new StreamTrimmer({ redis: t.redis, stream: t.fresh().stream, logger }).trimOnce()).toEqual({
      threshold: null,
      removed: 0,
    });
  });

  test("approximate trimming (the default) bounds a long stream and never removes an entry still needed", async () => {
    const { stream, group } = t.fresh();
    const ids: string[] = [];
    for (let i = 0; i < 1_000; i += 100) {
      const batch = t.redis.multi();
      for (let j = 0; j < 100; j++) batch.xAdd(stream, "*", { envelope: `{"n":${i + j}}` });
      ids.push(...((await batch.exec()) as unknown as string[]));
    }
    await t.redis.xGroupCreate(stream, group, "0");
    const delivered = await read(stream, group, "c", 900);
    await t.redis.xAck(stream, group, delivered.slice(0, 850)); // 851st… still pending, 901st… undelivered
    const { removed } = await new StreamTrimmer({ redis: t.redis, stream, logger }).trimOnce();
    expect(removed).toBeGreaterThan(500);
    const left = new Set(await remaining(stream));
    for (const id of ids.slice(850)) expect(left.has(id)).toBe(true);
  });

  test("the dead-letter stream is capped by length", async () => {
    const { stream, group, deadLetterStream } = t.fresh();
    await fill(stream, 1);
    await t.redis.xGroupCreate(stream, group, "0");
    for (let i = 0; i < 300; i += 100) {
      const batch = t.redis.multi();
      for (let j = 0; j < 100; j++) batch.xAdd(deadLetterStream, "*", { envelope: "x", error: "e", group, failedAt: "t", sourceId: "0-1" });
      await batch.exec();
    }
    await new StreamTrimmer({ redis: t.redis, stream, logger, deadLetterStream, deadLetterMaxLen: 100 }).trimOnce();
    const length = await t.redis.xLen(deadLetterStream);
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(300);
  });

  test("start()/stop(): runs every interval and stops promptly", async () => {
    const { stream, group } = t.fresh();
    const ids = await fill(stream, 4);
    await t.redis.xGroupCreate(stream, group, "0");
    await t.redis.xAck(stream, group, await read(stream, group, "c", 4));
    const trimmer = new StreamTrimmer({ redis: t.redis, stream, logger, approximate: false, intervalMs: 30 });
    trimmer.start();
    await Bun.sleep(150);
    const started = Date.now();
    await trimmer.stop();
    expect(Date.now() - started).toBeLessThan(200);
    expect(await remaining(stream)).toEqual(ids.slice(3));
  });
});
