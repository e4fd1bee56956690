import { expect } from "bun:test";
import { stack } from "./stack.ts";

export type ApiResponse<T = unknown> = { status: number; headers: Headers; body: T; traceId: string | null };

/** A request through the gateway, the only public door. */
// biome-ignore lint/suspicious/noExplicitAny: suites assert on JSON bodies of many shapes
export async function api<T = any>(
  method: string,
  path: string,
  options: { token?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string>; base?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(options.json);
  }
  // Envoy answers a rejected request body with `connection: close`; Bun's fetch may still reuse that
  // socket for the next request (ECONNRESET), so these suites do not pool connections.
  const res = await fetch(`${options.base ?? stack.gatewayUrl}${path}`, {
    method,
    headers,
    body,
    keepalive: false,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  if (text && (res.headers.get("content-type") ?? "").includes("json")) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T, traceId: res.headers.get("x-trace-id") };
}

export function expectProblem(res: ApiResponse, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toStartWith("application/problem+json");
  const body = res.body as Record<string, unknown>;
  expect(body.status).toBe(status);
  expect(typeof body.type).toBe("string");
  expect(typeof body.title).toBe("string");
  expect(typeof body.detail).toBe("string");
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
  expect(res.traceId).toMatch(/^[0-9a-f]{32}$/);
}

let counter = 0;
export function uniqueEmail(tag = "user"): string {
  counter += 1;
  return `${tag}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 7)}@e2e.msa-board.test`;
}

export type TestUser = { id: string; email: string; password: string; name: string; token: string; refreshToken: string };

export async function signUpAndLogin(name = "E2E User"): Promise<TestUser> {
  const email = uniqueEmail();
  const password = `pw-${crypto.randomUUID()}`;
  const created = await api("POST", "/users", { json: { email, password, name } });
  expect(created.status).toBe(201);
  const login = await api("POST", "/login", { json: { email, password } });
  expect(login.status).toBe(200);
  return { id: created.body.id, email, password, name, token: login.body.accessToken, refreshToken: login.body.refreshToken };
}

export async function adminToken(): Promise<string> {
  if (!stack.admin) throw new Error("the stack description has no admin credentials (only the test stack shares them)");
  const login = await api("POST", "/login", { json: stack.admin });
  expect(login.status).toBe(200);
  return login.body.accessToken;
}

/** Polls until `check` passes or the deadline is hit; returns how long it took. */
export async function eventually(check: () => Promise<boolean>, { timeoutMs = 5_000, intervalMs = 100 } = {}): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await Bun.sleep(intervalMs);
  }
  if (await check()) return performance.now() - started;
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
