import { describe, expect, test } from "bun:test";
import { parseEnvelope } from "./envelope.ts";
import { compareStreamIds, entriesOfReadReply } from "./stream-entries.ts";

const valid = {
  id: "0193b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b",
  type: "user.updated",
  occurredAt: "2026-01-01T12:00:00.123Z",
  traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
  data: { userId: "u1", name: "Ada" },
};

describe("parseEnvelope", () => {
  test("accepts users' envelopes (traceparent may be null or absent)", () => {
    expect(parseEnvelope(JSON.stringify(valid))).toEqual({ ok: true, envelope: valid });
    expect(parseEnvelope(JSON.stringify({ ...valid, traceparent: null }))).toMatchObject({ ok: true, envelope: { traceparent: null } });
    const { traceparent: _, ...without } = valid;
    expect(parseEnvelope(JSON.stringify(without))).toMatchObject({ ok: true, envelope: { traceparent: null } });
  });

  test("says why it refuses, keeping a traceparent it could read", () => {
    expect(parseEnvelope(undefined)).toMatchObject({ ok: false, error: expect.stringContaining("no `envelope`") });
    expect(parseEnvelope("{nope")).toMatchObject({ ok: false, error: expect.stringContaining("malformed JSON") });
    expect(parseEnvelope("null")).toMatchObject({ ok: false, error: expect.stringContaining("invalid envelope") });
    const bad = parseEnvelope(JSON.stringify({ ...valid, occurredAt: "soon", data: [] }));
    expect(bad).toMatchObject({ ok: false, traceparent: valid.traceparent });
    if (!bad.ok) expect(bad.error).toContain("occurredAt");
  });
});

describe("stream entries", () => {
  test("raw XREADGROUP replies, including deleted entries", () => {
    expect(entriesOfReadReply(null)).toEqual([]);
    expect(
      entriesOfReadReply([
        [
          "events",
          [
            ["1-0", ["envelope", "{}"]],
            ["2-0", null],
          ],
        ],
      ]),
    ).toEqual([
      { id: "1-0", message: { envelope: "{}" } },
      { id: "2-0", message: null },
    ]);
  });

  test("ids compare numerically", () => {
    expect(compareStreamIds("9-0", "10-0")).toBe(-1);
    expect(compareStreamIds("10-2", "10-10")).toBe(-1);
    expect(compareStreamIds("10-2", "10-2")).toBe(0);
    expect(compareStreamIds("1700000000000-1", "999-5")).toBe(1);
  });
});
