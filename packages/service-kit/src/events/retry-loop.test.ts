import { describe, expect, test } from "bun:test";
import { Liveness } from "../liveness/liveness.ts";
import { createLogger } from "../logger.ts";
import { until } from "../test-support/until.ts";
import { RetryLoop } from "./retry-loop.ts";

const logs = () => {
  const lines: string[] = [];
  return { lines, logger: createLogger({ service: "test", level: "info", write: (l) => lines.push(JSON.parse(l).msg) }) };
};

describe("RetryLoop", () => {
  test("failures back off and are logged once per outage; the recovery says how long it lasted", async () => {
    const { lines, logger } = logs();
    let failUntil = 4;
    let steps = 0;
    const loop = new RetryLoop({
      name: "test loop",
      logger,
      backoff: { initialMs: 1, maxMs: 5 },
      step: async () => {
        steps += 1;
        if (steps <= failUntil) throw new Error(`down ${steps}`);
        return { idleMs: 1 };
      },
    });
    loop.start();
    await until(() => steps > 6);
    expect(lines.filter((m) => m === "test loop cannot proceed; retrying with backoff")).toHaveLength(1);
    expect(lines.filter((m) => m === "test loop recovered")).toHaveLength(1);
    expect(loop.status()).toMatchObject({ state: "running", outageSince: null, lastError: null, failedAttemptsTotal: 4 });
    failUntil = 0;
    await loop.stop();
    expect(loop.status().state).toBe("stopped");
  });

  test("every finished step, failed or not, is progress; a step that never ends makes the process not live", async () => {
    const liveness = new Liveness();
    let hang = false;
    let steps = 0;
    const loop = new RetryLoop({
      name: "test loop",
      logger: logs().logger,
      heartbeat: liveness.register("test loop", 50),
      backoff: { initialMs: 1, maxMs: 1 },
      step: async () => {
        steps += 1;
        if (hang) await new Promise(() => {});
        if (steps % 2 === 0) throw new Error("a reported outage");
        return { idleMs: 1 };
      },
    });
    loop.start();
    await until(() => steps > 10);
    expect(liveness.report().live).toBe(true);
    hang = true;
    await until(() => !liveness.report().live);
    expect(liveness.report().loops["test loop"]?.stuck).toBe(true);
  });

  test("stop() ends a long backoff at once; wake() ends an idle sleep", async () => {
    let steps = 0;
    const loop = new RetryLoop({
      name: "test loop",
      logger: logs().logger,
      step: async () => {
        steps += 1;
        return { idleMs: 60_000, wakeable: true };
      },
    });
    loop.start();
    await until(() => steps === 1);
    loop.wake();
    await until(() => steps === 2);
    const started = performance.now();
    await loop.stop();
    expect(performance.now() - started).toBeLessThan(100);
  });
});
