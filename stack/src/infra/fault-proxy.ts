import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ServiceName } from "../config.ts";
import { freePort, type Ports } from "../ports.ts";
import { httpHealth } from "../supervisor/health.ts";
import type { ProcessSpec } from "../supervisor/managed-process.ts";

/** The stores a service talks to, named as their processes are. */
export type StoreName = "postgres" | "redis-notices" | "redis-events";

const storePort: Record<StoreName, keyof Ports> = {
  postgres: "postgres",
  "redis-notices": "redisNotices",
  "redis-events": "redisEvents",
};

/** Every service→store link; each gets its own proxy, so a toxic can hit exactly one of them. */
export const STORE_LINKS: ReadonlyArray<{ service: ServiceName; store: StoreName }> = [
  { service: "users", store: "postgres" },
  { service: "users", store: "redis-events" },
  { service: "postings", store: "postgres" },
  { service: "postings", store: "redis-events" },
  { service: "notices", store: "redis-notices" },
];

export type ProxyLink = { name: string; service: ServiceName; store: StoreName; listenPort: number; upstreamPort: number };
export type FaultProxyPlan = { apiPort: number; links: ProxyLink[] };

/** `postings-redis-events`: the proxy's name in Toxiproxy's API. */
export const linkName = (service: ServiceName, store: StoreName) => `${service}-${store}`;

/** Free ports for Toxiproxy's API and for each link's listener. */
export async function planFaultProxy(ports: Ports): Promise<FaultProxyPlan> {
  const taken = new Set(Object.values(ports));
  const pick = async () => {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    return port;
  };
  const apiPort = await pick();
  const links: ProxyLink[] = [];
  for (const { service, store } of STORE_LINKS) {
    links.push({ name: linkName(service, store), service, store, listenPort: await pick(), upstreamPort: ports[storePort[store]] });
  }
  return { apiPort, links };
}

/** The port a service dials for a store: its link's proxy when there is one, else the store itself. */
export function storePortFor(plan: FaultProxyPlan | null, ports: Ports, service: string, store: StoreName): number {
  const link = plan?.links.find((l) => l.service === service && l.store === store);
  return link ? link.listenPort : ports[storePort[store]];
}

/**
 * Toxiproxy as a supervised process. The proxies come from a config file read at start, so a
 * restarted Toxiproxy has its links back at once (toxics, being test faults, do not survive it).
 */
export function faultProxySpec(binary: string, plan: FaultProxyPlan, runDir: string): ProcessSpec {
  const configFile = join(runDir, "toxiproxy.json");
  writeFileSync(
    configFile,
    JSON.stringify(
      plan.links.map((l) => ({
        name: l.name,
        listen: `127.0.0.1:${l.listenPort}`,
        upstream: `127.0.0.1:${l.upstreamPort}`,
        enabled: true,
      })),
      null,
      2,
    ),
  );
  return {
    name: "toxiproxy",
    command: [binary, "-host", "127.0.0.1", "-port", String(plan.apiPort), "-config", configFile],
    env: { LOG_LEVEL: "warn" },
    health: httpHealth(`http://127.0.0.1:${plan.apiPort}/version`),
    address: `http://127.0.0.1:${plan.apiPort}`,
    supervise: true,
  };
}

export type FaultProxyDescription = {
  apiUrl: string;
  proxies: Record<string, { service: ServiceName; store: StoreName; listen: string; upstream: string }>;
};

export function describeFaultProxy(plan: FaultProxyPlan): FaultProxyDescription {
  return {
    apiUrl: `http://127.0.0.1:${plan.apiPort}`,
    proxies: Object.fromEntries(
      plan.links.map((l) => [
        l.name,
        { service: l.service, store: l.store, listen: `127.0.0.1:${l.listenPort}`, upstream: `127.0.0.1:${l.upstreamPort}` },
      ]),
    ),
  };
}
