import type { UnitName } from "./shapes.ts";
import type { Stack } from "./stack.ts";

/** How long Envoy needs to see an EDS change and finish requests already sent to a host. */
const DRAIN_MS = 2_000;

export type DeployReport = { service: UnitName; before: string[]; after: string[]; ms: number };

const names = (stack: Stack, service: UnitName) => stack.instancesOf(service).map((i) => i.name);

/**
 * Rolling deploy, one instance at a time: start the new one and wait until healthy, add it to the
 * gateway, take the old one out of the gateway, let in-flight requests drain, then SIGTERM it.
 */
export async function rollService(stack: Stack, service: UnitName): Promise<DeployReport> {
  const started = performance.now();
  const before = names(stack, service);
  for (const oldName of before) {
    const fresh = await stack.addServiceInstance(service);
    try {
      await fresh.start();
    } catch (err) {
      await fresh.stop();
      stack.removeServiceInstance(service, fresh.name);
      throw new Error(`roll of ${service} aborted: new instance ${fresh.name} did not become healthy (${(err as Error).message})`);
    }
    stack.writeEndpointsOf(service);
    await Bun.sleep(DRAIN_MS);
    const old = stack.processes.get(oldName);
    stack.removeServiceInstance(service, oldName);
    stack.writeEndpointsOf(service);
    await Bun.sleep(DRAIN_MS);
    await old?.stop();
  }
  stack.writeDescription();
  return { service, before, after: names(stack, service), ms: Math.round(performance.now() - started) };
}

/** Scale one service to N instances behind the gateway; the others are untouched. */
export async function scaleService(stack: Stack, service: UnitName, replicas: number): Promise<DeployReport> {
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 8) throw new Error("replicas must be a whole number from 1 to 8");
  const started = performance.now();
  const before = names(stack, service);
  while (stack.instancesOf(service).length < replicas) {
    const fresh = await stack.addServiceInstance(service);
    await fresh.start();
    stack.writeEndpointsOf(service);
  }
  while (stack.instancesOf(service).length > replicas) {
    const victim = stack.instancesOf(service).at(-1);
    if (!victim) break;
    const process = stack.processes.get(victim.name);
    stack.removeServiceInstance(service, victim.name);
    stack.writeEndpointsOf(service);
    await Bun.sleep(DRAIN_MS);
    await process?.stop();
  }
  stack.writeDescription();
  return { service, before, after: names(stack, service), ms: Math.round(performance.now() - started) };
}
