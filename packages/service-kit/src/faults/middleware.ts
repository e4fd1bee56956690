import { trace } from "@opentelemetry/api";
import type { MiddlewareHandler } from "hono";
import type { FaultInjector } from "./assault.ts";

/**
 * Busy-waits on the calling thread until `clock` (the process's CPU time, or wall-clock time when
 * the entry point gives none) has advanced `ms`: the handler hogs the event loop as a CPU-bound
 * handler would.
 */
function burnCpu(ms: number, clock: () => number): number {
  const until = clock() + ms;
  let spins = 0;
  while (clock() < until) spins++;
  return spins;
}

/**
 * Applies the injector's current assault before the handler. Mount it on the module's own routes
 * only (never its probes or the control route), after tracing and the request log, so the delay
 * shows in the request's span (with a `fault.assault` event saying why) and its logged duration.
 */
export const assaultRequests = (faults: FaultInjector): MiddlewareHandler =>
  async function assaultRequests(_c, next) {
    const assault = faults.assault;
    if (assault.kind !== "off") {
      trace.getActiveSpan()?.addEvent("fault.assault", { "fault.kind": assault.kind, "fault.ms": assault.ms });
      if (assault.kind === "latency") await new Promise((resolve) => setTimeout(resolve, assault.ms));
      else burnCpu(assault.ms, faults.cpuTimeMs);
    }
    await next();
  };
