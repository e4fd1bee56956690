import { PUBLIC_ROUTES } from "@msa-board/gateway/routes";
import { handleErrors, notFoundProblem } from "@msa-board/service-kit/errors";
import type { Logger } from "@msa-board/service-kit/logger";
import { PROBLEM_CONTENT_TYPE, problemBody } from "@msa-board/service-kit/problem";
import { asModuleCall, traceRequests } from "@msa-board/service-kit/tracing";
import type { Tracer } from "@opentelemetry/api";
import { Hono } from "hono";
import type { HostedModule } from "./hosted-module.ts";

export type HostOptions = { modules: HostedModule[]; logger: Logger; tracer: Tracer };

/** `/postings/{id}` (the contract's template, as the gateway's route table writes it) → Hono's `/postings/:id`. */
const honoPath = (path: string) => path.replaceAll(/\{(\w+)\}/g, ":$1");

/**
 * One Hono app in front of the hosted modules. The gateway's route table says which module owns a
 * public route; the request goes to that module's own app as an in-process call, under this
 * process's one server span (service `monolith`, named by the route) with an internal span per
 * module call. `/healthz` is ready only when every hosted module is.
 */
export function createHost({ modules, logger, tracer }: HostOptions): Hono {
  const app = new Hono();
  app.use(traceRequests({ serviceName: "monolith", tracer, untracedPaths: ["/healthz", "/livez"] }));
  app.onError(handleErrors(logger));
  app.notFound(notFoundProblem);

  for (const route of PUBLIC_ROUTES) {
    const module = modules.find((m) => m.name === route.service);
    if (!module) continue;
    app.on(route.method, honoPath(route.path), (c) => asModuleCall(module.name, () => module.fetch(c.req.raw)));
  }
  // The module answers every method itself (its own guard, its 405s); the gateway routes none of these.
  for (const module of modules) {
    for (const path of module.internalPaths ?? []) app.all(path, (c) => module.fetch(c.req.raw));
  }

  app.get("/healthz", async (c) => {
    const entries = await Promise.all(
      modules.map(async (m) => {
        const res = await m.fetch(new Request("http://module/healthz"));
        return [m.name, { ready: res.ok, ...((await res.json().catch(() => ({}))) as Record<string, unknown>) }] as const;
      }),
    );
    const checks = Object.fromEntries(entries);
    c.header("cache-control", "no-store");
    const down = entries.filter(([, check]) => !check.ready).map(([name]) => name);
    if (down.length === 0) return c.json({ status: "ok", modules: checks });
    // One process, one readiness: a module that cannot serve takes the whole process out of rotation.
    const body = { ...problemBody("unavailable", `Not ready: ${down.join(", ")}.`), modules: checks };
    return c.body(JSON.stringify(body), 503, { "content-type": PROBLEM_CONTENT_TYPE });
  });
  // Live unless a module reports a stuck part: then only a restart of the (whole) process helps.
  app.get("/livez", async (c) => {
    const stuck: string[] = [];
    for (const m of modules) if ((await m.fetch(new Request("http://module/livez"))).status === 503) stuck.push(m.name);
    c.header("cache-control", "no-store");
    if (stuck.length === 0) return c.json({ status: "ok" });
    return c.body(JSON.stringify(problemBody("unavailable", `Stuck: ${stuck.join(", ")}.`)), 503, { "content-type": PROBLEM_CONTENT_TYPE });
  });
  return app;
}
