import { expect } from "bun:test";

// biome-ignore lint/suspicious/noExplicitAny: problem bodies are checked field by field below
export type Answer = { status: number; headers: Headers; body: any; text: string };

export async function answer(res: Response | Promise<Response>): Promise<Answer> {
  const r = await res;
  const text = await r.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: r.status, headers: r.headers, body, text };
}

/** The contract's error shape: RFC 9457 problem+json, msa-board's type for `code`, nothing internal. */
export function expectProblem(res: Answer, status: number, code: string, what = ""): void {
  const seen = `${what} → ${res.status} ${res.text.slice(0, 200)}`;
  expect({ seen, status: res.status }).toEqual({ seen, status });
  expect({ seen, contentType: res.headers.get("content-type") }).toEqual({ seen, contentType: "application/problem+json" });
  expect(res.body).toMatchObject({ type: `https://msa-board.dev/problems/${code}`, status });
  expect(typeof res.body.title).toBe("string");
  expect(typeof res.body.detail).toBe("string");
  expect(res.text).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.ts:\d+|Error:/);
}
