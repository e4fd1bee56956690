import { createServer } from "node:net";

export const portNames = [
  "gateway",
  "gatewayTls",
  "envoyAdmin",
  "jaegerQuery",
  "otlpGrpc",
  "otlpHttp",
  "jaegerHealth",
  "jaegerMetrics",
  "users",
  "postings",
  "notices",
  "monolith",
  "web",
  "postgres",
  "redisNotices",
  "redisEvents",
  "control",
] as const;

export type PortName = (typeof portNames)[number];
export type Ports = Record<PortName, number>;

/** The native stack's addresses, as the contract fixes them; each has an env override. */
export const defaultPorts: Ports = {
  gateway: 8080,
  gatewayTls: 8443,
  envoyAdmin: 9901,
  jaegerQuery: 16686,
  otlpGrpc: 4317,
  otlpHttp: 4318,
  jaegerHealth: 13133,
  jaegerMetrics: 8888,
  users: 3001,
  postings: 3002,
  notices: 3003,
  monolith: 3000,
  web: 3004,
  postgres: 55432,
  redisNotices: 6380,
  redisEvents: 6381,
  control: 9900,
};

const envNames: Record<PortName, string> = {
  gateway: "GATEWAY_PORT",
  gatewayTls: "GATEWAY_TLS_PORT",
  envoyAdmin: "ENVOY_ADMIN_PORT",
  jaegerQuery: "JAEGER_QUERY_PORT",
  otlpGrpc: "OTLP_GRPC_PORT",
  otlpHttp: "OTLP_HTTP_PORT",
  jaegerHealth: "JAEGER_HEALTH_PORT",
  jaegerMetrics: "JAEGER_METRICS_PORT",
  users: "USERS_PORT",
  postings: "POSTINGS_PORT",
  notices: "NOTICES_PORT",
  monolith: "MONOLITH_PORT",
  web: "WEB_PORT",
  postgres: "POSTGRES_PORT",
  redisNotices: "REDIS_NOTICES_PORT",
  redisEvents: "REDIS_EVENTS_PORT",
  control: "STACK_CONTROL_PORT",
};

export function portsFromEnv(env: Record<string, string | undefined> = process.env): Ports {
  const ports = { ...defaultPorts };
  for (const name of portNames) {
    const raw = env[envNames[name]];
    if (raw === undefined) continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${envNames[name]}=${raw} is not a port number`);
    ports[name] = port;
  }
  return ports;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A distinct free port for every name, so a test stack runs beside a native one. */
export async function freePorts(): Promise<Ports> {
  const taken = new Set<number>();
  const ports = {} as Ports;
  for (const name of portNames) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[name] = port;
  }
  return ports;
}

export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export { envNames as portEnvNames };
