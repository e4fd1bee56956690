import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ServiceName } from "./options.ts";
import { PUBLIC_ROUTES } from "./route-table.ts";
import { expectProblem, expectTraceId, traceIdOf } from "./test-support/assertions.ts";
import { type Harness, startHarness } from "./test-support/harness.ts";
import type { SeenRequest } from "./test-support/stubs.ts";

// Real Envoy in front of echoing stubs: what reaches which service, and what never does.

let gw: Harness;
let token: string;

beforeAll(async () => {
  gw = await startHarness();
  token = await gw.tokens.valid();
});
afterAll(async () => {
  await gw?.stop();
});

const call = (method: string, path: string, init: { headers?: Record<string, string>; body?: string; keepalive?: boolean } = {}) =>
  fetch(gw.url + path, {
    method,
    keepalive: init.keepalive ?? true,
    headers: { "content-type": "application/json", ...init.headers },
    ...(init.body !== undefined || ["POST", "PATCH"].includes(method) ? { body: init.body ?? "{}" } : {}),
  });

const lastSeen = (service: ServiceName): SeenRequest | undefined => gw.stubs[service].seen.at(-1);

describe("routes", () => {
  const concrete = (path: string) => path.replace(/\{\w+\}/, "abc-123");

  for (const route of PUBLIC_ROUTES) {
    test(`${route.method} ${route.path} reaches ${route.service}`, async () => {
      const path = concrete(route.path);
      const response = await call(route.method, path, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      if (route.name === "users.jwks") {
        // The users stub serves its real JWKS there (the one Envoy itself verifies tokens with).
        expect(await response.json()).toEqual(gw.tokens.jwks);
      }
      const echoed =
        route.name === "users.jwks"
          ? (lastSeen("users") as SeenRequest & { service: string; headers: Record<string, string> })
          : ((await response.json()) as SeenRequest & { service: string });
      if (route.name === "users.jwks") echoed.service = "users";
      expect(echoed.service).toBe(route.service);
      expect(echoed.method).toBe(route.method);
      expect(echoed.path).toBe(path);
      // The token reaches the service untouched: it verifies it again itself.
      expect(echoed.headers.authorization).toBe(`Bearer ${token}`);
      // The trace id sent back is the one the service received in traceparent.
      const traceId = expectTraceId(response);
      expect(traceIdOf(echoed.headers.traceparent)).toBe(traceId);
    });
  }

  test("query strings pass through", async () => {
    const response = await call("GET", "/postings?limit=5&cursor=abc");
    expect(response.status).toBe(200);
    expect(lastSeen("postings")?.path).toBe("/postings?limit=5&cursor=abc");
  });

  test("HEAD works where GET does", async () => {
    const response = await call("HEAD", "/notice/n-1");
    expect(response.status).toBe(200);
    expect(lastSeen("notices")?.method).toBe("HEAD");
    expectTraceId(response);
  });

  test("a client-sent traceparent is continued, and answered with its trace id", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const response = await call("GET", "/postings", {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(response.headers.get("x-trace-id")).toBe(traceId);
    expect(traceIdOf(lastSeen("postings")?.headers.traceparent)).toBe(traceId);
  });
});

describe("sessions", () => {
  test("POST /token/refresh and POST /logout reach users without any access token (the refresh token is the credential)", async () => {
    for (const path of ["/token/refresh", "/logout"]) {
      const response = await call("POST", path, { body: '{"refreshToken":"opaque"}' });
      expect(response.status).toBe(200);
      const echoed = (await response.json()) as SeenRequest & { service: string };
      expect(echoed).toMatchObject({ service: "users", method: "POST", path });
      expect(echoed.headers.authorization).toBeUndefined();
    }
  });

  test("an expired or forged access token does not stop a refresh at the edge", async () => {
    const response = await call("POST", "/token/refresh", { headers: { authorization: "Bearer abc.def.ghi" } });
    expect(response.status).toBe(200);
  });

  test("only POST: GET /token/refresh and GET /logout are not routed", async () => {
    await expectProblem(await call("GET", "/token/refresh"), 404, "not-found");
    await expectProblem(await call("GET", "/logout"), 404, "not-found");
  });
});

describe("not routed", () => {
  const unrouted: [string, string][] = [
    ["GET", "/healthz"],
    ["GET", "/openapi.json"],
    ["GET", "/users"],
    ["PUT", "/postings/abc"],
    ["GET", "/postings/abc/comments"],
    ["GET", "/admin"],
    ["GET", "/index.html"],
    ["GET", "/assets/a/b.js"],
    ["GET", "/session"],
    ["GET", "/notices"],
    ["POST", "/login/"],
  ];
  for (const [method, path] of unrouted) {
    test(`${method} ${path} → 404 problem, no service sees it`, async () => {
      const before = Object.values(gw.stubs).map((s) => s.seen.length);
      await expectProblem(await call(method, path), 404, "not-found");
      expect(Object.values(gw.stubs).map((s) => s.seen.length)).toEqual(before);
    });
  }

  test("dot segments cannot reach a route they do not name", async () => {
    // Normalized to /healthz, which is not routed.
    await expectProblem(await call("GET", "/postings/../healthz"), 404, "not-found");
  });

  test("an encoded slash stays data inside one path segment", async () => {
    const response = await call("GET", "/postings/a%2F..%2Fhealthz");
    expect(response.status).toBe(200);
    expect(lastSeen("postings")?.path).toBe("/postings/a%2F..%2Fhealthz");
  });
});

describe("request hygiene", () => {
  test("identity and internal headers from clients never reach a service", async () => {
    const response = await call("GET", "/postings", {
      headers: {
        "x-user-id": "admin-id",
        "x-user-role": "admin",
        "x-jwt-payload": "eyJzdWIiOiJhZG1pbiJ9",
        "x-forwarded-user": "admin",
        "x-envoy-upstream-rq-timeout-ms": "1",
        x_user_id: "admin-id",
      },
    });
    expect(response.status).toBe(200);
    const headers = lastSeen("postings")?.headers ?? {};
    for (const name of ["x-user-id", "x-user-role", "x-jwt-payload", "x-forwarded-user", "x_user_id", "x-envoy-upstream-rq-timeout-ms"]) {
      expect(headers[name]).toBeUndefined();
    }
  });

  test("x-forwarded-for from the client is not trusted", async () => {
    await call("GET", "/postings", { headers: { "x-forwarded-for": "203.0.113.9" } });
    const headers = lastSeen("postings")?.headers ?? {};
    // Envoy names the real peer; what the client claimed is at most an earlier, untrusted hop.
    // (For loopback peers Envoy appends its own address to x-forwarded-for.)
    expect(headers["x-envoy-external-address"]).toBe("127.0.0.1");
    expect(
      (headers["x-forwarded-for"] ?? "")
        .split(",")
        .map((s) => s.trim())
        .at(-1),
    ).not.toBe("203.0.113.9");
  });

  test("a body over the limit is refused with 413 before reaching the service", async () => {
    const before = gw.stubs.postings.seen.length;
    const body = JSON.stringify({ title: "big", body: "x".repeat(gw.options.limits.maxRequestBodyBytes + 1) });
    // Envoy closes the connection after refusing the body: do not pool it.
    const response = await call("POST", "/postings", { headers: { authorization: `Bearer ${token}` }, body, keepalive: false });
    await expectProblem(response, 413, "payload-too-large");
    expect(gw.stubs.postings.seen.length).toBe(before);
  });

  test("a body under the limit passes untouched", async () => {
    const body = JSON.stringify({ title: "ok", body: "y".repeat(500) });
    const response = await call("POST", "/postings", { headers: { authorization: `Bearer ${token}` }, body });
    expect(response.status).toBe(200);
    expect(lastSeen("postings")?.body).toBe(body);
  });
});

describe("upstream answers pass through", () => {
  test("a service's own problem is not rewritten", async () => {
    gw.stubs.notices.behaviour = { kind: "status", status: 409 };
    try {
      const response = await call("GET", "/notice/n-1");
      expect(response.status).toBe(409);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await response.json()).toMatchObject({ type: "https://msa-board.dev/problems/stub", status: 409 });
      expectTraceId(response);
    } finally {
      gw.stubs.notices.behaviour = { kind: "echo" };
    }
  });

  test("a service's own 404 stays the service's", async () => {
    gw.stubs.postings.behaviour = { kind: "status", status: 404 };
    try {
      const response = await call("GET", "/postings/missing");
      expect(response.status).toBe(404);
      expect(((await response.json()) as { type: string }).type).toBe("https://msa-board.dev/problems/stub");
    } finally {
      gw.stubs.postings.behaviour = { kind: "echo" };
    }
  });

  test("no x-envoy-* or server internals are sent to clients", async () => {
    const response = await call("GET", "/postings");
    for (const name of response.headers.keys()) expect(name.startsWith("x-envoy-")).toBe(false);
  });
});

describe("CORS", () => {
  test("a preflight from an allowed origin is answered by Envoy", async () => {
    const before = gw.stubs.postings.seen.length;
    const response = await fetch(`${gw.url}/postings/abc`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "PATCH",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(response.headers.get("access-control-allow-methods")).toContain("PATCH");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(gw.stubs.postings.seen.length).toBe(before);
  });

  test("a preflight from another origin gets no allow-origin", async () => {
    const response = await fetch(`${gw.url}/postings`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("actual responses expose x-trace-id to the allowed origin", async () => {
    const response = await call("GET", "/postings", { headers: { origin: "http://localhost:3000" } });
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(response.headers.get("access-control-expose-headers")).toContain("x-trace-id");
  });
});

describe("access log", () => {
  test("one JSON line per request with trace id, route and upstream — never the token", async () => {
    const secret = await gw.tokens.valid({ sub: "log-check" });
    const response = await call("GET", "/user?password=hunter2", { headers: { authorization: `Bearer ${secret}` } });
    const traceId = expectTraceId(response);
    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && !line; i++) {
      const log = await gw.accessLog();
      line = log
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.traceId === traceId);
      if (!line) await Bun.sleep(100);
    }
    expect(line).toMatchObject({
      service: "gateway",
      method: "GET",
      path: "/user",
      route: "users.me.get",
      upstreamCluster: "users",
      status: 200,
    });
    expect(typeof line?.durationMs).toBe("number");
    const log = await gw.accessLog();
    expect(log).not.toContain(secret);
    expect(log).not.toContain(secret.split(".")[2] as string);
    expect(log.toLowerCase()).not.toContain("bearer");
    expect(log).not.toContain("hunter2");
  });
});
