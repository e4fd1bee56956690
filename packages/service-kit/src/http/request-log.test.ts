import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { createLogger } from "../logger.ts";
import { requestLog } from "./request-log.ts";

const lines: Array<Record<string, unknown>> = [];
const app = new Hono();
app.use(requestLog({ logger: createLogger({ service: "test", level: "info", write: (l) => lines.push(JSON.parse(l)) }) }));
app.get("/things/:id", (c) => c.text("ok"));
app.get("/healthz", (c) => c.text("ok"));

describe("requestLog", () => {
  test("one info line per request: method, route template, status, duration; never the query or headers", async () => {
    lines.length = 0;
    await app.request("/things/42?token=secret", { headers: { authorization: "Bearer secret" } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "info", msg: "request", method: "GET", route: "/things/:id", status: 200 });
    expect(typeof lines[0]?.durationMs).toBe("number");
    expect(JSON.stringify(lines)).not.toContain("secret");
  });

  test("probes log at debug only", async () => {
    lines.length = 0;
    await app.request("/healthz");
    expect(lines).toEqual([]);
  });
});
