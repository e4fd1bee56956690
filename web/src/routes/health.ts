import type { Hono } from "hono";

/**
 * The web part needs no store: it can serve pages whenever it runs. users and Jaeger being down
 * shows up as problems on the calls that need them, not as an unready web part.
 */
export function registerHealth(app: Hono): void {
  app.get("/healthz", (c) => c.json({ status: "ok", checks: { bundle: "ok" } }));
  app.get("/livez", (c) => c.json({ status: "ok" }));
}
