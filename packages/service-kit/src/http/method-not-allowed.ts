import type { Hono } from "hono";
import { ProblemError } from "./problem.ts";

// biome-ignore lint/suspicious/noExplicitAny: any app, whatever its context variables
type AnyHono = Hono<any, any, any>;

/**
 * Call once every route is registered: a path the app serves, asked with a method it does not
 * declare, is `405 method-not-allowed` with an `Allow` header (RFC 9110 §15.5.6), not a 404 that
 * would say the resource does not exist. HEAD is allowed wherever GET is (Hono answers it).
 */
export function answerUndeclaredMethods(app: AnyHono): void {
  const declared = new Map<string, Set<string>>();
  for (const { method, path } of app.routes) {
    if (method === "ALL") continue; // middleware mounted with use()
    const methods = declared.get(path) ?? new Set<string>();
    methods.add(method.toUpperCase());
    declared.set(path, methods);
  }
  for (const [path, methods] of declared) {
    if (methods.has("GET")) methods.add("HEAD");
    const allow = [...methods].sort().join(", ");
    app.all(path, (c) => {
      throw new ProblemError("method-not-allowed", `${c.req.method} is not allowed here; this resource answers ${allow}.`, {
        headers: { allow },
      });
    });
  }
}
