import type { RouteGroup } from "./faults.ts";
import type { Sample } from "./invariants.ts";

export type Reply = { status: number; problem: boolean; body: Record<string, unknown> | null };

/**
 * One request through the gateway, recorded as a sample. Never throws: no answer (refused, reset,
 * timed out) is status 0. No pooled connections, so a reset socket never poisons the next request.
 */
export async function request(
  samples: Sample[],
  gatewayUrl: string,
  route: string,
  group: RouteGroup,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; timeoutMs?: number } = {},
): Promise<Reply> {
  const startedAt = Date.now();
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) headers["content-type"] = "application/json";
  let reply: Reply = { status: 0, problem: false, body: null };
  try {
    const res = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      keepalive: false,
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    const type = res.headers.get("content-type") ?? "";
    let body: Record<string, unknown> | null = null;
    if (text && type.includes("json")) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    reply = { status: res.status, problem: type.startsWith("application/problem+json"), body };
  } catch {
    // No answer: recorded as status 0.
  }
  samples.push({ route, group, status: reply.status, problem: reply.problem, startedAt, endedAt: Date.now() });
  return reply;
}
