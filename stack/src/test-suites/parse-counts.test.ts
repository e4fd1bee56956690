import { describe, expect, test } from "bun:test";
import { parseCounts } from "./parse-counts.ts";

describe("parseCounts", () => {
  test("bun's closing lines", () => {
    expect(parseCounts("bun-test", "\n 12 pass\n 2 fail\n 40 expect() calls\n", 1)).toEqual({ passed: 12, failed: 2 });
  });
  test("bun errors between tests count as failures", () => {
    expect(parseCounts("bun-test", " 3 pass\n 0 fail\n 1 error\n", 1)).toEqual({ passed: 3, failed: 1 });
  });
  test("deno's summary line, with or without steps", () => {
    expect(parseCounts("deno-test", "ok | 9 passed | 0 failed (1s)", 0)).toEqual({ passed: 9, failed: 0 });
    expect(parseCounts("deno-test", "FAILED | 4 passed (3 steps) | 1 failed (2s)", 1)).toEqual({ passed: 4, failed: 1 });
  });
  test("a crash with no counts is a failure, never a pass", () => {
    expect(parseCounts("bun-test", "Segmentation fault", 139)).toEqual({ passed: 0, failed: 1 });
    expect(parseCounts("deno-test", "", 0)).toEqual({ passed: 0, failed: 1 });
  });
  test("checks count once", () => {
    expect(parseCounts("check", "", 0)).toEqual({ passed: 1, failed: 0 });
    expect(parseCounts("check", "error TS2322", 2)).toEqual({ passed: 0, failed: 1 });
  });
});
