import type { Hono } from "hono";
import { zodIssues } from "../http/error-handler.ts";
import { jsonBody } from "../http/json-body.ts";
import { ProblemError } from "../http/problem.ts";
import { assaultSchema, type FaultInjector } from "./assault.ts";

/** Where a module's assault is read (GET) and set (PUT): outside every public route, never routed by the gateway. */
export const faultControlPath = (module: string) => `/faults/${module}`;

/** Constant-time on the token's bytes, so response times do not reveal how much of a guess was right. */
function sameToken(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i % Math.max(a.length, 1)] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Who may set an assault: the service port is loopback-only natively and never routed by the
 * gateway, but loopback is not a trust boundary (any local process or browser page reaches it), so
 * - a request from a browser page (an `Origin`, or a cross-site `Sec-Fetch-Site`) is refused (403);
 * - the stack's per-run control token must come as `Authorization: Bearer …` (401 otherwise);
 * - a PUT must be `application/json` (no simple cross-site form can send it).
 */
function checkCaller(request: Request, faults: FaultInjector): void {
  const fetchSite = request.headers.get("sec-fetch-site");
  if (request.headers.has("origin") || (fetchSite !== null && fetchSite !== "none")) {
    throw new ProblemError("forbidden", "Fault control does not accept requests from browser pages.");
  }
  const token = /^Bearer (\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (!token || !sameToken(token, faults.controlToken)) {
    throw new ProblemError("unauthorized", "Fault control needs the stack's control token (in its stack.json) as a bearer token.", {
      headers: { "www-authenticate": token ? 'Bearer error="invalid_token"' : "Bearer" },
    });
  }
}

// biome-ignore lint/suspicious/noExplicitAny: any module's app, whatever its context variables
type AnyHono = Hono<any, any, any>;

/**
 * `GET /faults/{module}` answers the current assault; `PUT` with `{kind: "latency"|"cpu", ms}` or
 * `{kind: "off"}` sets it. Registered only on a process started with the module's fault flag: on
 * any other the path does not exist (404). Not in the OpenAPI document: it is no part of the API.
 */
export function registerFaultControl(app: AnyHono, faults: FaultInjector): void {
  const path = faultControlPath(faults.module);
  const guard = jsonBody({ maxBytes: 1024 });
  app.use(path, async function faultControlGuard(c, next) {
    checkCaller(c.req.raw, faults);
    // Other methods go on to the app's 405 (answerUndeclaredMethods) or 404.
    return c.req.method === "PUT" ? guard(c, next) : next();
  });
  app.get(path, (c) => c.json({ module: faults.module, assault: faults.assault }));
  app.put(path, async (c) => {
    const body = await c.req.json().catch(() => {
      throw new ProblemError("malformed-request", "The request body is not valid JSON.");
    });
    const parsed = assaultSchema.safeParse(body);
    if (!parsed.success) throw new ProblemError("validation", "The request body is invalid.", { errors: zodIssues(parsed.error) });
    faults.set(parsed.data);
    return c.json({ module: faults.module, assault: faults.assault });
  });
}
