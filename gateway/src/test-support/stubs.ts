import type { ServiceName } from "../options.ts";

/**
 * Stand-ins for users/postings/notices: they echo what reached them (method, path, headers, body)
 * and can be told to hang or fail, so tests see exactly what Envoy forwards.
 */

export interface SeenRequest {
  instance: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export type StubBehaviour = { kind: "echo" } | { kind: "hang" } | { kind: "status"; status: number };

export interface Stub {
  service: ServiceName;
  instance: string;
  port: number;
  /** Requests other than health checks, oldest first. */
  seen: SeenRequest[];
  behaviour: StubBehaviour;
  /** What `GET /healthz` answers. */
  healthy: boolean;
  /** Extra headers on echo answers (a service trying to set what the gateway owns). */
  responseHeaders: Record<string, string>;
  stop(): Promise<void>;
}

const json = (body: unknown, status = 200, contentType = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": contentType } });

export const startStub = (service: ServiceName, instance: string, jwks?: () => object): Stub => {
  const hanging = new Set<() => void>();
  const stub: Stub = {
    service,
    instance,
    port: 0,
    seen: [],
    behaviour: { kind: "echo" },
    healthy: true,
    responseHeaders: {},
    stop: async () => {
      for (const release of hanging) release();
      server.stop(true);
    },
  };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    // Longer than any test's route timeout, so a hanging request is cut by Envoy, not by Bun.
    idleTimeout: 30,
    fetch: async (request) => {
      const url = new URL(request.url);
      if (url.pathname === "/healthz") {
        return stub.healthy ? json({ status: "ok", checks: {} }) : json({ status: "down" }, 503);
      }
      const seen: SeenRequest = {
        instance,
        method: request.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(request.headers),
        body: await request.text(),
      };
      stub.seen.push(seen);
      if (jwks && url.pathname === "/.well-known/jwks.json") return json(jwks());
      const behaviour = stub.behaviour;
      if (behaviour.kind === "hang") {
        await new Promise<void>((resolve) => {
          const release = () => resolve();
          hanging.add(release);
          setTimeout(release, 20_000);
        });
        return json({ late: true });
      }
      if (behaviour.kind === "status") {
        const problem = {
          type: "https://msa-board.dev/problems/stub",
          title: "Stub failure",
          status: behaviour.status,
          detail: `${service} stub told to answer ${behaviour.status}`,
        };
        return json(problem, behaviour.status, "application/problem+json");
      }
      const echo = json({ service, ...seen });
      for (const [name, value] of Object.entries(stub.responseHeaders)) echo.headers.set(name, value);
      return echo;
    },
  });
  stub.port = server.port ?? 0;
  return stub;
};
