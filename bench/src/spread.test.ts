import { expect, test } from "bun:test";
import { median, medianRange } from "./spread.ts";

test("median: the middle value, or the mean of the middle two; NaN for none", () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([])).toBeNaN();
});

test("medianRange: median [min–max] at the given precision, a dash for no runs", () => {
  expect(medianRange([0.5, 0.25, 1], 2)).toBe("0.50 [0.25–1.00]");
  expect(medianRange([], 1)).toBe("–");
});
