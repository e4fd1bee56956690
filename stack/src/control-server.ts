import { refuseControlRequest } from "./control-guard.ts";
import type { UnitName } from "./shapes.ts";
import type { Stack } from "./stack.ts";

/**
 * A loopback-only control API of the running stack: status, kill (chaos), roll and scale. Tests and
 * `npm run stack -- roll postings` talk to it with the per-run token of the state file (see
 * control-guard.ts for who may); it is never routed through the gateway.
 */
export function startControlServer(stack: Stack, port: number) {
  const expected = { token: stack.secrets.controlToken, port };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port,
    // A roll or a stop can take longer than Bun's default 10 s idle timeout on a busy machine.
    idleTimeout: 255,
    fetch: async (request) => {
      const refused = refuseControlRequest(request, expected);
      if (refused) return refused;
      const url = new URL(request.url);
      const parts = url.pathname.split("/").filter(Boolean);
      // The status only: the secrets stay in the 0600 state file.
      if (request.method === "GET" && url.pathname === "/status") return Response.json(stack.status());
      if (request.method === "POST" && parts[0] === "processes" && parts[2] === "kill") {
        const process = stack.processes.get(parts[1] ?? "");
        if (!process) return Response.json({ error: "no such process" }, { status: 404 });
        const signal = (url.searchParams.get("signal") ?? "SIGKILL") as NodeJS.Signals;
        return Response.json({ killed: process.kill(signal), pid: process.pid });
      }
      if (request.method === "POST" && parts[0] === "processes" && (parts[2] === "stop" || parts[2] === "start")) {
        // Outages on demand, for the chaos suite: a stopped process stays down until started again.
        const process = stack.processes.get(parts[1] ?? "");
        if (!process) return Response.json({ error: "no such process" }, { status: 404 });
        if (parts[2] === "stop") await process.stop();
        else await process.start();
        return Response.json({ name: process.name, state: process.state, pid: process.pid });
      }
      if (request.method === "POST" && parts[0] === "services" && (parts[2] === "roll" || parts[2] === "scale")) {
        const service = parts[1] as UnitName;
        if (!stack.units.some((u) => u.name === service)) {
          return Response.json({ error: `no such service in the ${stack.config.shape} shape` }, { status: 404 });
        }
        const { rollService, scaleService } = await import("./deploy.ts");
        try {
          if (parts[2] === "roll") return Response.json(await rollService(stack, service));
          const replicas = Number(url.searchParams.get("replicas"));
          return Response.json(await scaleService(stack, service, replicas));
        } catch (err) {
          return Response.json({ error: (err as Error).message }, { status: 409 });
        }
      }
      return Response.json({ error: "not found" }, { status: 404 });
    },
  });
  return { stop: async () => void server.stop(true) };
}
