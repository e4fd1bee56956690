import { describe, expect, test } from "bun:test";
import { refuseControlRequest } from "./control-guard.ts";

const expected = { token: "a".repeat(64), port: 9900 };
const request = (init: { method?: string; headers?: Record<string, string> } = {}) =>
  new Request("http://127.0.0.1:9900/status", {
    method: init.method ?? "GET",
    headers: { host: "127.0.0.1:9900", authorization: `Bearer ${expected.token}`, ...init.headers },
  });
const status = (r: Request) => refuseControlRequest(r, expected)?.status ?? 200;

describe("refuseControlRequest", () => {
  test("the stack's own tools: token, no browser headers → allowed (GET, and POST as JSON)", () => {
    expect(status(request())).toBe(200);
    expect(status(request({ method: "POST", headers: { "content-type": "application/json; charset=utf-8" } }))).toBe(200);
    expect(status(request({ headers: { host: "localhost:9900", "sec-fetch-site": "none" } }))).toBe(200);
  });

  test("no token, another token, another scheme → 401", () => {
    expect(status(request({ headers: { authorization: "" } }))).toBe(401);
    expect(status(request({ headers: { authorization: `Bearer ${"b".repeat(64)}` } }))).toBe(401);
    expect(status(request({ headers: { authorization: `Bearer ${expected.token.slice(1)}` } }))).toBe(401);
    expect(status(request({ headers: { authorization: `Basic ${expected.token}` } }))).toBe(401);
  });

  test("browser pages → 403, even with the token", () => {
    expect(status(request({ headers: { origin: "http://127.0.0.1:9900" } }))).toBe(403);
    expect(status(request({ headers: { "sec-fetch-site": "same-site" } }))).toBe(403);
    expect(status(request({ headers: { "sec-fetch-site": "same-origin" } }))).toBe(403);
  });

  test("another Host (DNS rebinding) → 403", () => {
    expect(status(request({ headers: { host: "rebind.example:9900" } }))).toBe(403);
    expect(status(request({ headers: { host: "127.0.0.1:80" } }))).toBe(403);
  });

  test("POSTs a form or a simple request could send → 415; other methods → 405", () => {
    expect(status(request({ method: "POST" }))).toBe(415);
    expect(status(request({ method: "POST", headers: { "content-type": "text/plain" } }))).toBe(415);
    expect(status(request({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } }))).toBe(415);
    expect(status(request({ method: "DELETE" }))).toBe(405);
  });
});
