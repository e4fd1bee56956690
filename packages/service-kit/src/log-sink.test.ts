import { describe, expect, spyOn, test } from "bun:test";
import { createLineSink } from "./log-sink.ts";
import { createLogger, flushLogs } from "./logger.ts";
import { until } from "./test-support/until.ts";

describe("createLineSink", () => {
  test("lines written close together leave in one call, in order, within flushMs", async () => {
    const calls: string[] = [];
    const sink = createLineSink({ flushMs: 10, out: (text) => calls.push(text) });
    sink.write("one");
    sink.write("two");
    sink.write("three");
    expect(calls).toEqual([]);
    await until(() => calls.length > 0);
    expect(calls).toEqual(["one\ntwo\nthree"]);
  });

  test("writeNow leaves at once, after what was queued before it", () => {
    const calls: string[] = [];
    const sink = createLineSink({ flushMs: 60_000, out: (text) => calls.push(text) });
    sink.write("queued");
    sink.writeNow("urgent");
    expect(calls).toEqual(["queued\nurgent"]);
  });

  test("a buffer past maxBytes leaves without waiting for the timer", () => {
    const calls: string[] = [];
    const sink = createLineSink({ flushMs: 60_000, maxBytes: 10, out: (text) => calls.push(text) });
    sink.write("12345");
    expect(calls).toEqual([]);
    sink.write("67890");
    expect(calls).toEqual(["12345\n67890"]);
  });

  test("flush writes what is queued and nothing when nothing is", async () => {
    const calls: string[] = [];
    const sink = createLineSink({ flushMs: 5, out: (text) => calls.push(text) });
    sink.flush();
    sink.write("a");
    sink.flush();
    expect(calls).toEqual(["a"]);
    await Bun.sleep(20); // the cancelled timer must not write again
    expect(calls).toEqual(["a"]);
  });
});

describe("the default logger output", () => {
  test("info is batched on standard output; a warning takes the queue with it at once", () => {
    const log = spyOn(console, "log").mockImplementation(() => {});
    try {
      flushLogs();
      log.mockClear();
      const logger = createLogger({ service: "test" });
      logger.info("first");
      logger.info("second");
      expect(log).not.toHaveBeenCalled();
      logger.warn("third");
      expect(log).toHaveBeenCalledTimes(1);
      const lines = String(log.mock.calls[0]?.[0])
        .split("\n")
        .map((l) => JSON.parse(l).msg);
      expect(lines).toEqual(["first", "second", "third"]);
    } finally {
      flushLogs();
      log.mockRestore();
    }
  });
});
