import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { createLogger } from "../logger.ts";
import { handleErrors, notFoundProblem } from "./error-handler.ts";
import { ProblemError } from "./problem.ts";

const lines: string[] = [];
const app = new Hono();
app.onError(handleErrors(createLogger({ service: "test", write: (l) => lines.push(l) })));
app.notFound(notFoundProblem);
app.get("/boom", () => {
  throw new Error("secret internals at db.ts:42");
});
app.get("/store-down", () => {
  throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:55432"), { code: "ECONNREFUSED" });
});
app.get("/store-down-wrapped", () => {
  const driverError = Object.assign(new Error("write CONNECTION_CLOSED 127.0.0.1:55432"), { code: "CONNECTION_CLOSED" });
  throw new Error("Failed query: select 1\nparams: ", { cause: driverError });
});
app.get("/conflict", () => {
  throw new ProblemError("conflict", "That email is taken.");
});

describe("handleErrors", () => {
  test("an unexpected error is a generic 500 problem, logged, with nothing internal in the body", async () => {
    const res = await app.request("/boom");
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const text = await res.text();
    expect(text).not.toContain("secret internals");
    expect(text).not.toContain("db.ts");
    expect(lines.some((l) => l.includes("unhandled error"))).toBe(true);
  });

  test("a store outage is a 503 problem with retry-after", async () => {
    const res = await app.request("/store-down");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await res.json()).type).toBe("https://msa-board.dev/problems/unavailable");
  });

  test("a store outage wrapped by the ORM (error.cause) is a 503 problem too", async () => {
    const res = await app.request("/store-down-wrapped");
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain("Failed query");
  });

  test("problem errors keep their status; unknown routes are 404 problems", async () => {
    expect((await app.request("/conflict")).status).toBe(409);
    const missing = await app.request("/nowhere");
    expect(missing.status).toBe(404);
    expect((await missing.json()).detail).toContain("/nowhere");
  });
});
