import { describe, expect, test } from "bun:test";
import type { ApiResult } from "./http.ts";
import { explain } from "./problems.ts";

const failed = (status: number, problem: ApiResult["problem"], retryAfter: string | null = null): ApiResult => ({
  ok: false,
  status,
  method: "POST",
  path: "/postings",
  body: undefined,
  problem,
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  retryAfter,
});

describe("explain", () => {
  test("a validation problem lands on the fields it names", () => {
    const result = explain(
      failed(400, {
        title: "Invalid request",
        status: 400,
        detail: "The request body is invalid.",
        errors: [
          { path: "title", message: "must not be empty" },
          { path: "body", message: "Must be at most 20000 characters" },
        ],
      }),
    );
    expect(result.fields).toEqual({ title: "Must not be empty", body: "Must be at most 20000 characters" });
    expect(result.message).toBe("Please correct the fields marked below.");
  });

  test("429 says why and when to try again", () => {
    const { message } = explain(failed(429, { title: "Too many requests", status: 429, detail: "Rate limit exceeded." }, "6"));
    expect(message).toContain("Too many requests");
    expect(message).toContain("password guessing");
    expect(message).toContain("6 seconds");
  });

  test("503 says a service is down for a moment, without a time when none is given", () => {
    const { message } = explain(failed(503, { title: "Service unavailable", status: 503, detail: "no healthy upstream" }));
    expect(message).toContain("unavailable right now");
    expect(message).toContain("a moment");
  });

  test("no answer at all is told apart from an error answer", () => {
    expect(explain(failed(0, { title: "No answer", status: 0, detail: "" })).message).toContain("could not be reached");
  });

  test("anything else shows the service's own detail", () => {
    const { message, fields } = explain(failed(403, { title: "Forbidden", status: 403, detail: "Only the author may edit this posting." }));
    expect(message).toBe("Only the author may edit this posting.");
    expect(fields).toEqual({});
  });
});
