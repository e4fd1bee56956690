import { describe, expect, test } from "bun:test";
import { createCursorCodec } from "./cursor.ts";

const codec = createCursorCodec("a-test-secret-of-enough-length");
const position = { createdAt: new Date("2026-03-01T12:34:56.789Z"), id: "01939a4b-5c6d-7e8f-9a0b-1c2d3e4f5a6b" };

describe("cursor codec", () => {
  test("round-trips a position through an opaque URL-safe string", () => {
    const cursor = codec.encode(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]{55}$/);
    expect(cursor).not.toContain(position.id);
    expect(codec.decode(cursor)).toEqual(position);
  });

  test("keeps the millisecond and dates before 1970", () => {
    const old = { createdAt: new Date(-1), id: "00000000-0000-7000-8000-000000000000" };
    expect(codec.decode(codec.encode(old))).toEqual(old);
  });

  test("refuses garbage", () => {
    for (const garbage of ["", "garbage", "x".repeat(55), "!".repeat(55), `${codec.encode(position)}=`, "a".repeat(10_000)]) {
      expect(codec.decode(garbage)).toBeNull();
    }
  });

  test("refuses a cursor with any character changed", () => {
    const cursor = codec.encode(position);
    for (let i = 0; i < cursor.length; i++) {
      const replacement = cursor[i] === "A" ? "B" : "A";
      const tampered = `${cursor.slice(0, i)}${replacement}${cursor.slice(i + 1)}`;
      expect(codec.decode(tampered)).toBeNull();
    }
  });

  test("refuses a cursor signed with another secret", () => {
    const other = createCursorCodec("another-secret-entirely-here");
    expect(codec.decode(other.encode(position))).toBeNull();
  });

  test("refuses short secrets", () => {
    expect(() => createCursorCodec("short")).toThrow();
  });
});
