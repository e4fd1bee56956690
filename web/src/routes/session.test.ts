import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTracing } from "@msa-board/service-kit/tracing";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Hono } from "hono";
import { csrfTokenFor } from "../session/csrf.ts";
import { CSRF_SECRET, HOST, ORIGIN, setCookies, testApp } from "../test-support/harness.ts";
import { startUsersStub, type UsersStub } from "../test-support/users-stub.ts";

let users: UsersStub;
let app: Hono;
beforeAll(async () => {
  users = startUsersStub();
  app = await testApp({ usersUrl: users.url });
});
afterAll(async () => {
  await users.stop();
});

const REFRESH = "__Secure-msa-refresh";
const CSRF = "__Secure-msa-csrf";

/** As the page sends them: JSON for logging in, no body at all for renewing and logging out. */
const post = (path: string, init: { json?: unknown; headers?: Record<string, string> } = {}) =>
  app.request(path, {
    method: "POST",
    headers: {
      host: HOST,
      origin: ORIGIN,
      "sec-fetch-site": "same-origin",
      ...(init.json !== undefined ? { "content-type": "application/json" } : {}),
      ...init.headers,
    },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });

async function logIn() {
  const response = await post("/session", { json: { email: "ada@example.com", password: "right-password" } });
  expect(response.status).toBe(200);
  const cookies = setCookies(response);
  const refresh = cookies.get(REFRESH)?.value ?? "";
  const csrf = cookies.get(CSRF)?.value ?? "";
  return { response, cookies, refresh, csrf, cookieHeader: `${REFRESH}=${refresh}; ${CSRF}=${csrf}` };
}

describe("POST /session (log in)", () => {
  test("gives the page the access token only; the refresh token goes into an HttpOnly cookie", async () => {
    const { response, cookies, refresh, csrf } = await logIn();
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["accessToken", "expiresIn", "refreshable", "tokenType"]);
    expect(body.refreshable).toBe(true);
    expect(JSON.stringify(body)).not.toContain(refresh);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(cookies.get(REFRESH)?.attributes).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=strict", "path=/session"]));
    expect(cookies.get(CSRF)?.attributes).toEqual(expect.arrayContaining(["secure", "samesite=strict", "path=/"]));
    expect(cookies.get(CSRF)?.attributes).not.toContain("httponly");
    expect(csrf).toBe(csrfTokenFor(CSRF_SECRET, refresh));
  });

  test("continues the gateway's trace, with a web span, and carries it on to users", async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({ serviceName: "web", exporter });
    try {
      const traced = await testApp({ usersUrl: users.url, tracer: tracing.tracer });
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      const response = await traced.request("/session", {
        method: "POST",
        headers: { host: HOST, "content-type": "application/json", traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
        body: JSON.stringify({ email: "ada@example.com", password: "right-password" }),
      });
      expect(response.status).toBe(200);
      expect(users.calls.at(-1)?.traceparent).toStartWith(`00-${traceId}-`);
      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => [s.name, s.spanContext().traceId])).toEqual([["POST /session", traceId]]);
    } finally {
      await tracing.shutdown();
    }
  });

  test("users' own problem (wrong password) reaches the page unchanged, and no cookie is set", async () => {
    const response = await post("/session", { json: { email: "ada@example.com", password: "wrong" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toStartWith("application/problem+json");
    expect(((await response.json()) as { detail: string }).detail).toBe("The email or password is not correct.");
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  test("today's users (no refresh token yet): the access token still comes, no cookie, not refreshable", async () => {
    users.issueRefreshTokens = false;
    try {
      const response = await post("/session", { json: { email: "ada@example.com", password: "right-password" } });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { refreshable: boolean }).refreshable).toBe(false);
      expect(response.headers.getSetCookie()).toEqual([]);
    } finally {
      users.issueRefreshTokens = true;
    }
  });

  test("a body that is not an email and a password is a 400 naming the field", async () => {
    const response = await post("/session", { json: { email: "ada@example.com" } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { path: string }[] };
    expect(body.errors.map((e) => e.path)).toEqual(["password"]);
  });

  test("a request from another site is refused before users is asked", async () => {
    const before = users.calls.length;
    const crossSite: Record<string, string>[] = [{ origin: "https://evil.example" }, { "sec-fetch-site": "cross-site" }];
    for (const headers of crossSite) {
      const response = await post("/session", { json: { email: "a@b.c", password: "right-password" }, headers });
      expect(response.status).toBe(403);
    }
    expect(users.calls.length).toBe(before);
  });

  test("users unreachable: a 503 problem in words, never a 500", async () => {
    const down = await testApp({ usersUrl: "http://127.0.0.1:9" });
    const response = await down.request("/session", {
      method: "POST",
      headers: { host: HOST, "content-type": "application/json" },
      body: JSON.stringify({ email: "a@b.c", password: "x" }),
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { detail: string }).detail).toContain("cannot be reached");
  });
});

describe("POST /session/refresh", () => {
  test("with the cookie and its CSRF token: a new access token, and the refresh token rotates", async () => {
    const session = await logIn();
    const response = await post("/session/refresh", { headers: { cookie: session.cookieHeader, "x-csrf-token": session.csrf } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { accessToken: string }).accessToken).toStartWith("header.");
    const rotated = setCookies(response).get(REFRESH)?.value;
    expect(rotated).toBeDefined();
    expect(rotated).not.toBe(session.refresh);
    expect(users.live.has(session.refresh)).toBe(false);
  });

  test("the cookie alone is not enough: no CSRF header, or another session's, is a 403", async () => {
    const session = await logIn();
    const other = await logIn();
    for (const csrf of [undefined, other.csrf, "forged"]) {
      const response = await post("/session/refresh", {
        headers: { cookie: session.cookieHeader, ...(csrf ? { "x-csrf-token": csrf } : {}) },
      });
      expect(response.status).toBe(403);
    }
    expect(users.live.has(session.refresh)).toBe(true);
  });

  test("from another origin, even with both cookies and the right header: 403", async () => {
    const session = await logIn();
    const response = await post("/session/refresh", {
      headers: { cookie: session.cookieHeader, "x-csrf-token": session.csrf, origin: "http://localhost:9999" },
    });
    expect(response.status).toBe(403);
  });

  test("no cookie: 401, and the cookies are cleared", async () => {
    const response = await post("/session/refresh");
    expect(response.status).toBe(401);
    expect(setCookies(response).get(REFRESH)?.attributes).toContain("max-age=0");
  });

  test("a refresh token users no longer accepts ends the session: 401, cookies cleared", async () => {
    const session = await logIn();
    users.live.delete(session.refresh);
    const response = await post("/session/refresh", { headers: { cookie: session.cookieHeader, "x-csrf-token": session.csrf } });
    expect(response.status).toBe(401);
    const cleared = setCookies(response);
    expect(cleared.get(REFRESH)?.attributes).toContain("max-age=0");
    expect(cleared.get(CSRF)?.attributes).toContain("max-age=0");
  });
});

describe("POST /session/logout", () => {
  test("revokes the refresh token at users and clears both cookies", async () => {
    const session = await logIn();
    const response = await post("/session/logout", { headers: { cookie: session.cookieHeader, "x-csrf-token": session.csrf } });
    expect(response.status).toBe(204);
    expect(users.calls.at(-1)).toEqual(expect.objectContaining({ path: "/logout", body: { refreshToken: session.refresh } }));
    expect(users.live.has(session.refresh)).toBe(false);
    expect(setCookies(response).get(REFRESH)?.attributes).toContain("max-age=0");
  });

  test("cannot be forced from another page: without the CSRF header, 403 and the session lives on", async () => {
    const session = await logIn();
    const response = await post("/session/logout", { headers: { cookie: session.cookieHeader } });
    expect(response.status).toBe(403);
    expect(users.live.has(session.refresh)).toBe(true);
  });
});
