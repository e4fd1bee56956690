import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { createLogger } from "../logger.ts";
import { handleErrors } from "./error-handler.ts";
import { jsonBody } from "./json-body.ts";

const app = new Hono();
app.onError(handleErrors(createLogger({ service: "test", write: () => {} })));
app.use(jsonBody({ maxBytes: 32 }));
app.post("/echo", async (c) => c.json(await c.req.json()));
app.get("/echo", (c) => c.text("ok"));

describe("jsonBody", () => {
  test("lets a small JSON body through", async () => {
    const res = await app.request("/echo", { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ a: 1 });
  });

  test("another content type is a 415 problem", async () => {
    const res = await app.request("/echo", { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    expect(res.status).toBe(415);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  test("the one content-type rule: JSON and +json types with parameters, never lookalikes", async () => {
    const send = (contentType: string) => app.request("/echo", { method: "POST", headers: { "content-type": contentType }, body: "{}" });
    for (const ok of ["application/json", "application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"]) {
      expect({ ok, status: (await send(ok)).status }).toEqual({ ok, status: 200 });
    }
    for (const refused of ["application/json-seq", "application/jsonx", "text/json", "application/x-www-form-urlencoded"]) {
      expect({ refused, status: (await send(refused)).status }).toEqual({ refused, status: 415 });
    }
  });

  test("a body over the bound is a 413 problem", async () => {
    const body = JSON.stringify({ a: "x".repeat(64) });
    const res = await app.request("/echo", { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(res.status).toBe(413);
    expect((await res.json()).type).toBe("https://msa-board.dev/problems/payload-too-large");
  });

  test("reads pass untouched", async () => {
    expect((await app.request("/echo")).status).toBe(200);
  });
});
