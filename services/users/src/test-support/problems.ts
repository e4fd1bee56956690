import { expect } from "bun:test";
import type { TestResponse } from "./harness.ts";

/** A problem+json answer with this status (and code), a detail, and nothing internal. */
export function expectProblem(res: TestResponse, status: number, code?: string): void {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.body.status).toBe(status);
  expect(res.body.title).toBeString();
  expect(res.body.detail).toBeString();
  expect(res.body.type).toStartWith("https://msa-board.dev/problems/");
  if (code) expect(res.body.type).toBe(`https://msa-board.dev/problems/${code}`);
  expect(res.text).not.toMatch(/\bat .+\.ts:\d+|stack/i);
}
