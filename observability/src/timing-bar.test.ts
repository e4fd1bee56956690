import { describe, expect, test } from "bun:test";
import { timingBar } from "./timing-bar.ts";

describe("timingBar", () => {
  test("the whole trace fills the bar", () => {
    expect(timingBar(0, 1_000, 1_000, 8)).toBe("████████");
  });

  test("places a span by offset and length, with eighth-cell ends", () => {
    // 8 cells for 800 µs: 1 cell = 100 µs; 250..575 µs covers cells 2.5 → 5.75.
    expect(timingBar(250, 325, 800, 8)).toBe("  ▐██▊  ");
  });

  test("a span too short to see still shows a sliver where it happens", () => {
    expect(timingBar(500, 0, 1_000, 10)).toBe("     ▏    ");
  });

  test("always exactly `width` cells, even at the very end or for an empty trace", () => {
    expect(timingBar(1_000, 0, 1_000, 12)).toHaveLength(12);
    expect(timingBar(0, 0, 0, 12)).toBe("▏           ");
  });
});
