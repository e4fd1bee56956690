import { expect } from "bun:test";
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from "../local-replies.ts";

/** Shared checks: the problem shape and the trace id every response must carry. */

export const TRACE_ID = /^[0-9a-f]{32}$/;

export const expectTraceId = (response: Response): string => {
  const traceId = response.headers.get("x-trace-id");
  expect(traceId).toMatch(TRACE_ID);
  expect(traceId).not.toBe("0".repeat(32));
  return traceId as string;
};

/** A gateway-made error: status, problem+json, `{type, title, status, detail}` with our type base. */
export const expectProblem = async (response: Response, status: number, code: string) => {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toStartWith(PROBLEM_CONTENT_TYPE);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ type: `${PROBLEM_TYPE_BASE}${code}`, status });
  expect(typeof body.title).toBe("string");
  expect(typeof body.detail).toBe("string");
  expect((body.detail as string).length).toBeGreaterThan(0);
  expectTraceId(response);
  return body;
};

/** The trace id inside a W3C traceparent: `00-<trace id>-<span id>-<flags>`. */
export const traceIdOf = (traceparent: string | undefined): string | undefined => traceparent?.split("-")[1];
