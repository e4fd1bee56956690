import { describe, expect, test } from "bun:test";
import { DEFAULT_JAEGER_URL, formatDuration, parseDuration, parseTraceCliArgs, UsageError } from "./trace-cli-args.ts";

describe("trace CLI arguments", () => {
  test("a trace id, normalised to lower case, Jaeger from the default", () => {
    expect(parseTraceCliArgs(["4BF92F3577B34DA6A3CE929D0E0E4736"], {})).toEqual({
      kind: "trace",
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      jaegerUrl: DEFAULT_JAEGER_URL,
      barWidth: null,
      color: null,
    });
  });

  test("--last with lookback; Jaeger from JAEGER_URL unless --jaeger says otherwise", () => {
    expect(parseTraceCliArgs(["--last", "postings", "--lookback", "15m"], { JAEGER_URL: "http://127.0.0.1:9" })).toMatchObject({
      kind: "last",
      service: "postings",
      lookbackMs: 900_000,
      jaegerUrl: "http://127.0.0.1:9",
    });
    expect(
      parseTraceCliArgs(["--last", "users", "--jaeger", "http://x:1", "--no-color", "--width", "30"], { JAEGER_URL: "http://127.0.0.1:9" }),
    ).toMatchObject({
      jaegerUrl: "http://x:1",
      color: false,
      barWidth: 30,
      lookbackMs: 3_600_000,
    });
  });

  test("refuses what it cannot mean", () => {
    for (const argv of [
      [],
      ["nothex"],
      ["a", "b"],
      ["abc", "--last", "users"],
      ["--last"],
      ["--bogus"],
      ["abc", "--width", "2"],
      ["--last", "x", "--lookback", "1y"],
    ]) {
      expect(() => parseTraceCliArgs(argv, {})).toThrow(UsageError);
    }
  });

  test("durations both ways", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("2d")).toBe(172_800_000);
    expect(formatDuration(3_600_000)).toBe("1h");
    expect(formatDuration(90_000)).toBe("90s");
  });
});
