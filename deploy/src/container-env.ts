import {
  DEV_CSRF_SECRET,
  DEV_CURSOR_SECRET,
  defaultPorts,
  nativeServiceEnv,
  PER_INSTANCE_ENV,
  readableEnv,
  SHUTDOWN_TIMEOUT_MS,
  type Shape,
  type UnitName,
} from "./facts.ts";

/**
 * What each native address is called inside a container network (compose and Kubernetes alike).
 * Our services and Jaeger keep their ports; the stores listen on their images' standard ports —
 * the native stack moves them (55432, 6380, 6381) only so that they can share one host's loopback.
 */
export const containerAddresses = new Map<number, { host: string; port: number }>([
  [defaultPorts.users, { host: "users", port: defaultPorts.users }],
  [defaultPorts.postings, { host: "postings", port: defaultPorts.postings }],
  [defaultPorts.notices, { host: "notices", port: defaultPorts.notices }],
  [defaultPorts.monolith, { host: "monolith", port: defaultPorts.monolith }],
  [defaultPorts.web, { host: "web", port: defaultPorts.web }],
  [defaultPorts.gateway, { host: "gateway", port: defaultPorts.gateway }],
  [defaultPorts.otlpHttp, { host: "jaeger", port: defaultPorts.otlpHttp }],
  [defaultPorts.otlpGrpc, { host: "jaeger", port: defaultPorts.otlpGrpc }],
  [defaultPorts.jaegerQuery, { host: "jaeger", port: defaultPorts.jaegerQuery }],
  [defaultPorts.postgres, { host: "postgres", port: 5432 }],
  [defaultPorts.redisNotices, { host: "redis-notices", port: 6379 }],
  [defaultPorts.redisEvents, { host: "redis-events", port: 6379 }],
]);

/** Set from the pod name in Kubernetes; compose leaves it to the service's own default (hostname-based). */
export const PER_INSTANCE = Symbol("per-instance");

export type Expected = string | typeof PER_INSTANCE;

/** A loopback URL of the native stack, as the same thing is reached from a container. */
export function containerUrl(native: string): string {
  let url: URL;
  try {
    url = new URL(native);
  } catch {
    return native;
  }
  if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost") return native;
  const address = containerAddresses.get(Number(url.port));
  if (!address) throw new Error(`${native}: no container address for port ${url.port}`);
  url.hostname = address.host;
  url.port = String(address.port);
  // URL keeps a trailing "/" on bare origins; the env values are written without it.
  return url.pathname === "/" && !native.endsWith("/") ? url.href.replace(/\/$/, "") : url.href;
}

/**
 * The environment a service's container must get, derived from what `npm start` gives it: every
 * variable the service reads (the native stack also passes a few it ignores), loopback addresses
 * turned into container names, HOST opened to the container network, and SHUTDOWN_TIMEOUT_MS
 * stated explicitly because the stop grace periods are computed from it. The service images run
 * with NODE_ENV=production, where postings requires CURSOR_SECRET: containers pass it (a Secret;
 * its documented development value in compose and the dev overlay).
 */
/**
 * compose and the dev overlay run the images on the published development secrets, which users and
 * postings refuse under NODE_ENV=production (the images' default): they say `development` outright.
 * Production (the prod overlay, or compose with real secrets) keeps the image's NODE_ENV.
 */
export const DEVELOPMENT_ENV: Partial<Record<UnitName, Record<string, string>>> = {
  users: { NODE_ENV: "development" },
  postings: { NODE_ENV: "development" },
  // It runs users' and postings' production checks too.
  monolith: { NODE_ENV: "development" },
};

/** Where users' routes are served in each shape's container network: its service, or the monolith. */
const usersHost = (shape: Shape) => (shape === "monolith" ? "monolith" : "users");

export function expectedContainerEnv(
  service: UnitName,
  { development = false, shape = "microservices" }: { development?: boolean; shape?: Shape } = {},
): Record<string, Expected> {
  const readable = readableEnv(service);
  const expected: Record<string, Expected> = {};
  for (const [name, value] of Object.entries(nativeServiceEnv(service))) {
    if (!readable(name)) continue;
    if (PER_INSTANCE_ENV.has(name)) expected[name] = PER_INSTANCE;
    else if (name === "HOST") expected[name] = "0.0.0.0";
    // Natively the JWKS comes through the gateway, which tracks the live users instances during a
    // roll; in a container network the users Service name does that, so it is fetched from users.
    else if (name === "JWKS_URL") expected[name] = `http://users:${defaultPorts.users}${new URL(value).pathname}`;
    // The web part's session calls: natively through the gateway (either shape, mid-roll); in
    // containers straight to users (the monolith in that shape), so the gateway's per-client login limit keys on browsers
    // (POST /session) rather than on the web pod, and the TLS-only container gateway is not a hop.
    else if (name === "USERS_URL") expected[name] = `http://${usersHost(shape)}:${defaultPorts[usersHost(shape)]}`;
    else expected[name] = containerUrl(value);
  }
  expected.SHUTDOWN_TIMEOUT_MS = String(SHUTDOWN_TIMEOUT_MS);
  // postings' page-cursor key, wherever the postings module runs.
  if (service === "postings" || service === "monolith") expected.CURSOR_SECRET = DEV_CURSOR_SECRET;
  if (service === "web") {
    expected.CSRF_SECRET = DEV_CSRF_SECRET;
    // Jaeger's image has its UI (the native build has none): the trace page links to it, on the
    // host's loopback where compose publishes it (Kubernetes: `kubectl port-forward svc/jaeger 16686`).
    expected.JAEGER_UI_URL = `http://localhost:${defaultPorts.jaegerQuery}`;
  }
  if (development) Object.assign(expected, DEVELOPMENT_ENV[service]);
  return expected;
}
