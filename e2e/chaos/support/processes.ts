import { control, currentStack } from "../../src/support/stack.ts";

type Status = {
  processes: Array<{ name: string; pid?: number; state: string; restarts: number }>;
  instances: Record<string, string[]>;
  services: Record<string, string[]>;
};

/** The process name of a service's first instance now (rolling deploys rename instances). */
export async function instanceOf(service: string): Promise<string> {
  const status = (await control("GET", "/status")) as Status;
  const name = status.instances[service]?.[0];
  if (!name) throw new Error(`no running instance of ${service}`);
  return name;
}

/** The URL of a service's first instance now. */
export async function urlOf(service: string): Promise<string> {
  const status = (await control("GET", "/status")) as Status;
  const url = status.services[service]?.[0];
  if (!url) throw new Error(`no running instance of ${service}`);
  return url;
}

export async function processStatus(name: string) {
  const status = (await control("GET", "/status")) as Status;
  const process = status.processes.find((p) => p.name === name);
  if (!process) throw new Error(`no process ${name} in the stack`);
  return process;
}

export async function killProcess(name: string, signal = "SIGKILL"): Promise<void> {
  await control("POST", `/processes/${name}/kill?signal=${signal}`);
}

export async function stopProcess(name: string): Promise<void> {
  await control("POST", `/processes/${name}/stop`);
}

export async function startProcess(name: string): Promise<void> {
  await control("POST", `/processes/${name}/start`);
}

/** Waits until the supervisor has restarted `name` (restart count went up) and it is running. */
export async function waitRestarted(name: string, previousRestarts: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const p = await processStatus(name);
    if (p.restarts > previousRestarts && p.state === "running") return;
    await Bun.sleep(200);
  }
  throw new Error(`${name} was not restarted within ${timeoutMs} ms`);
}

export async function serviceHealth(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

export { currentStack };

const probeRoute: Record<string, string> = { users: "/.well-known/jwks.json", postings: "/postings?limit=1", notices: "/notice" };

/**
 * After a restart the gateway takes a health-check interval or two to send traffic again; wait
 * until the service's public route answers through it.
 */
export async function waitServing(service: string, timeoutMs = 15_000): Promise<void> {
  const { stack } = await import("../../src/support/stack.ts");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${stack.gatewayUrl}${probeRoute[service]}`, { keepalive: false }).catch(() => null);
    await res?.arrayBuffer();
    if (res?.status === 200) return;
    await Bun.sleep(100);
  }
  throw new Error(`${service} does not serve through the gateway within ${timeoutMs} ms`);
}
