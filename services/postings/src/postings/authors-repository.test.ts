import { describe, expect, test } from "bun:test";
import { isNewer } from "./authors-repository.ts";

const at = (ms: number) => new Date(1_700_000_000_000 + ms);

describe("which name is newer", () => {
  test("a later time wins, an earlier one loses", () => {
    expect(isNewer({ name: "n", asOf: at(1) }, { nameAsOf: at(0), nameEventId: null })).toBe(true);
    expect(isNewer({ name: "n", asOf: at(0), eventId: "b" }, { nameAsOf: at(1), nameEventId: "a" })).toBe(false);
  });

  test("in the same millisecond the later event id wins; a token never displaces an equal time", () => {
    expect(isNewer({ name: "n", asOf: at(5), eventId: "0193-b" }, { nameAsOf: at(5), nameEventId: "0193-a" })).toBe(true);
    expect(isNewer({ name: "n", asOf: at(5), eventId: "0193-a" }, { nameAsOf: at(5), nameEventId: "0193-b" })).toBe(false);
    expect(isNewer({ name: "n", asOf: at(5), eventId: "0193-a" }, { nameAsOf: at(5), nameEventId: null })).toBe(true);
    expect(isNewer({ name: "n", asOf: at(5) }, { nameAsOf: at(5), nameEventId: null })).toBe(false);
    expect(isNewer({ name: "n", asOf: at(5), eventId: "0193-a" }, { nameAsOf: at(5), nameEventId: "0193-a" })).toBe(false);
  });
});
