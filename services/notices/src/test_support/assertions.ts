import assert from "node:assert/strict";
import type { TestResponse } from "./harness.ts";

/** An RFC 9457 problem with the msa-board type for `code`, and nothing internal in it. */
export function assertProblem(res: TestResponse, status: number, code: string): void {
  const what = `${res.status} ${res.text.slice(0, 300)}`;
  assert.equal(res.status, status, `status (${what})`);
  assert.equal(res.headers.get("content-type"), "application/problem+json", `content type (${what})`);
  assert.equal(res.body?.type, `https://msa-board.dev/problems/${code}`, `problem type (${what})`);
  assert.equal(res.body?.status, status, `problem status (${what})`);
  assert.equal(typeof res.body?.title, "string", `title (${what})`);
  assert.equal(typeof res.body?.detail, "string", `detail (${what})`);
  assert.doesNotMatch(res.text, /\bat .+:\d+:\d+|node_modules|\.ts:\d+|Error:/, `no internals (${what})`);
}
