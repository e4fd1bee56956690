import { expect, test } from "bun:test";
import type { Operation } from "../openapi.ts";
import { answer, expectProblem } from "../problem.ts";
import type { App, Target } from "../target.ts";

function send(app: App, target: Target, op: Operation, authorization?: string) {
  const body = target.validBodies[op.key];
  const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
  if (body) headers["content-type"] = "application/json";
  return answer(app.request(op.path, { method: op.method, headers, ...(body ? { body: JSON.stringify(body) } : {}) }));
}

/**
 * The auth matrix, on every protected operation: no credentials, credentials that are not a bearer
 * token, every forgery of the kit's forged-token kit, and a valid token while the keys cannot be had.
 */
export function authRules(target: Target, operations: Operation[]): void {
  const forged = target.tokens.forged({ sub: target.caller.sub, role: target.caller.role, name: target.caller.name });
  for (const op of operations.filter((o) => o.secured)) {
    test(`${op.key}: no credentials → 401 problem, WWW-Authenticate: Bearer`, async () => {
      const res = await send(target.app, target, op);
      expectProblem(res, 401, "unauthorized", op.key);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
    });

    test(`${op.key}: credentials that are not a bearer token → 401 problem, error="invalid_request"`, async () => {
      for (const authorization of [
        `Basic ${btoa("admin:admin")}`,
        "Bearer",
        `Bearer  ${target.caller.token}`,
        `Token ${target.caller.token}`,
      ]) {
        const res = await send(target.app, target, op, authorization);
        expectProblem(res, 401, "unauthorized", `${op.key} with ${authorization.slice(0, 12)}`);
        expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_request"');
      }
    });

    test(`${op.key}: every forged token → 401 problem, error="invalid_token"`, async () => {
      const accepted: string[] = [];
      for (const [attack, token] of Object.entries(await forged)) {
        const res = await send(target.app, target, op, `Bearer ${token}`);
        if (res.status !== 401 || res.headers.get("www-authenticate") !== 'Bearer error="invalid_token"') {
          accepted.push(`${attack}: ${res.status} ${res.headers.get("www-authenticate")}`);
        } else expectProblem(res, 401, "unauthorized", attack);
      }
      expect(accepted).toEqual([]);
      expect(Object.keys(await forged).length).toBeGreaterThanOrEqual(25);
    });

    test(`${op.key}: a valid token while the keys cannot be fetched → 503 problem with Retry-After`, async () => {
      const res = await send(target.keysUnreachable(), target, op, `Bearer ${target.caller.token}`);
      expectProblem(res, 503, "unavailable", op.key);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    });
  }
}
