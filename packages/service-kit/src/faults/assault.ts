import { z } from "zod";
import type { Logger } from "../logger.ts";

/**
 * What an assault does to each request of the module it is set on (opt-in fault injection, the way
 * Spring Boot's Chaos Monkey assaults are: nothing of this exists unless the process was started
 * with its module's fault flag):
 * - `latency`: the request waits `ms` before its handler, asynchronously, so only that module's
 *   requests are slower;
 * - `cpu`: the request burns `ms` of CPU synchronously on the event loop before its handler, so
 *   everything else in the same process waits too;
 * - `off`: requests run as usual.
 */
export const assaultSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("off") }),
  z.strictObject({ kind: z.literal("latency"), ms: z.number().int().min(1).max(60_000) }),
  // At most 1 s per request: longer and the process's own probes (a 2 s bound) would call it dead.
  z.strictObject({ kind: z.literal("cpu"), ms: z.number().int().min(1).max(1_000) }),
]);

export type Assault = z.output<typeof assaultSchema>;

export type FaultInjectorOptions = {
  /** The module whose handlers the assault hits: names the control route and the log lines. */
  module: string;
  /** Bearer token the control route requires (the stack hands in its per-run control token). */
  controlToken: string;
  logger: Logger;
  /**
   * The process's CPU time in ms (the entry point passes `process.cpuUsage`), so a `cpu` assault
   * burns that much CPU even on a busy machine, where a spin of wall-clock time gets only a share
   * of a core. Without it the burn spins wall-clock time.
   */
  cpuTimeMs?: () => number;
};

/** The assault currently set on one module, and who may change it. Built only when the flag is on. */
export class FaultInjector {
  readonly module: string;
  readonly controlToken: string;
  readonly cpuTimeMs: () => number;
  readonly #logger: Logger;
  #assault: Assault = { kind: "off" };

  constructor({ module, controlToken, logger, cpuTimeMs = () => performance.now() }: FaultInjectorOptions) {
    if (controlToken.length < 32) throw new Error("fault injection needs a control token of at least 32 characters");
    this.module = module;
    this.controlToken = controlToken;
    this.cpuTimeMs = cpuTimeMs;
    this.#logger = logger;
    // Loud on purpose: a process with fault injection is never a production process.
    logger.warn("fault injection enabled", { module, control: `PUT /faults/${module}` });
  }

  get assault(): Assault {
    return this.#assault;
  }

  set(assault: Assault): void {
    const was = this.#assault;
    this.#assault = assault;
    if (assault.kind === "off") this.#logger.warn("fault assault cleared", { module: this.module, was: was.kind });
    else this.#logger.warn("fault assault set", { module: this.module, kind: assault.kind, ms: assault.ms });
  }
}
