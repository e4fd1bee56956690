import { describe, expect, test } from "bun:test";
import { isOutage } from "./outage.ts";

describe("outages versus failures", () => {
  test("connection trouble and PostgreSQL's unavailable classes are outages, through drizzle's wrapping", () => {
    const wrap = (code: string) => new Error("Failed query: …", { cause: Object.assign(new Error("driver"), { code }) });
    for (const code of ["ECONNREFUSED", "CONNECTION_CLOSED", "08006", "53300", "57P01"]) expect(isOutage(wrap(code))).toBe(true);
    for (const code of ["23505", "22P02", "40001"]) expect(isOutage(wrap(code))).toBe(false);
    expect(isOutage(new Error("handler bug"))).toBe(false);
  });
});
