import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../ports.ts";
import { createStoreFixture, type FixtureReport, storesGone } from "../test-support/store-fixture.ts";
import { createToolContext } from "../tools/context.ts";
import { ThrowawayStores } from "./throwaway.ts";

// Each test runs `bun test` on a fixture part whose preload asks for a Redis, as users and
// postings ask for theirs, and watches from outside what it starts and leaves behind.
const fixture = createStoreFixture(["redis"]);
afterAll(() => fixture.cleanup());

async function expectGone(report: FixtureReport, timeoutMs = 0): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = await storesGone(report);
  while (!(gone.port && gone.keeper && gone.folder) && Date.now() < deadline) {
    await Bun.sleep(50);
    gone = await storesGone(report);
  }
  expect(gone).toEqual({ port: true, keeper: true, folder: true });
}

const lastReport = () => fixture.reports().at(-1) as FixtureReport;

describe("with nothing set", () => {
  test("a throw-away Redis serves the run, and nothing of it is left once `bun test` returns", async () => {
    const { proc, output } = fixture.run();
    expect(await proc.exited).toBe(0);
    expect(output()).toContain("1 pass");
    await expectGone(lastReport());
  });

  test("Ctrl-C stops the stores before the run exits", async () => {
    const before = fixture.reports().length;
    const { proc } = fixture.run([], { FIXTURE_HOLD: "1" });
    await fixture.reported(before + 1);
    proc.kill("SIGINT");
    expect(await proc.exited).toBe(130);
    await expectGone(lastReport());
  });

  test("a run that dies without a word (SIGKILL) still has its stores stopped, by the keeper", async () => {
    const before = fixture.reports().length;
    const { proc } = fixture.run([], { FIXTURE_HOLD: "1" });
    await fixture.reported(before + 1);
    proc.kill("SIGKILL");
    await proc.exited;
    await expectGone(lastReport(), 10_000);
  });

  test("`bun test --watch` starts the stores once and keeps them across reruns; Ctrl-C stops them", async () => {
    const before = fixture.reports().length;
    const { proc } = fixture.run(["--watch"]);
    const [first] = (await fixture.reported(before + 1)).slice(before);
    fixture.touch();
    const [, second] = (await fixture.reported(before + 2)).slice(before);
    expect(second?.url).toBe(first?.url as string);
    expect(second?.keeper).toBe(first?.keeper as number);
    proc.kill("SIGINT");
    await proc.exited;
    await expectGone(second as FixtureReport);
  });

  test("a store that cannot be started fails the run once, naming it and how to fix it", async () => {
    const { proc, output } = fixture.run([], { TMPDIR: join(tmpdir(), "does-not-exist") });
    expect(await proc.exited).toBe(1);
    const text = output();
    expect(text.match(/✗ fixture: could not start a throw-away Redis \(for TEST_REDIS_URL\)/g)).toHaveLength(1);
    expect(text).toContain("TEST_REDIS_URL=redis://");
    expect(text).not.toContain("pass");
  });
});

describe("with TEST_REDIS_URL set", () => {
  const dir = mkdtempSync(join(tmpdir(), "msa-board-given-redis-"));
  const given = new ThrowawayStores(dir, createToolContext());
  let url: string;
  beforeAll(async () => {
    url = (await given.start(["redis"])).TEST_REDIS_URL as string;
  });
  afterAll(async () => {
    await given.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the run uses that Redis and starts none of its own", async () => {
    const { proc } = fixture.run([], { TEST_REDIS_URL: url });
    expect(await proc.exited).toBe(0);
    expect(lastReport().url).toBe(`${url}`);
    expect(lastReport().keeper).toBeNull();
  });

  test("one where nothing answers fails the run once, before any test, saying what to do", async () => {
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    const { proc, output } = fixture.run([], { TEST_REDIS_URL: nowhere });
    expect(await proc.exited).toBe(1);
    const text = output();
    expect(text.match(/✗ fixture: TEST_REDIS_URL=redis:\/\/127\.0\.0\.1:\d+ is set, but that Redis cannot be used/g)).toHaveLength(1);
    expect(text).toContain("unset TEST_REDIS_URL and the run starts a throw-away one");
    expect(text).not.toContain("pass");
  });
});
