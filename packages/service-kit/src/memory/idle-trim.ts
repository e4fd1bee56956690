/**
 * Gives back what a burst of work left behind once the process has gone quiet.
 *
 * Measured on users and postings (Bun 1.3) after a load run: 110–160 MiB proportional set size, of
 * which the JavaScript heap is only 15–55 MiB. The rest is compiled code (bytecode and JIT code of
 * every function the load ran) and free allocator pages JavaScriptCore keeps. A full collection
 * (`Bun.gc(true)`) gives almost nothing back (≤ 3 MiB); `Bun.shrink()` — drop compiled code, collect,
 * and release the allocator's free pages, the next time the VM is idle — takes 40–55 MiB off each.
 * The price is recompiling what runs next: ~0.3 s of CPU on postings' next thousand requests. So the
 * trim runs once per quiet spell, and only after real work (minWorkMs of CPU since the last trim,
 * so it adds at most a tenth to the work it follows); a busy process never trims. The start-up
 * counts as such work once: every module's top-level code ran once and never runs again, so the
 * first quiet spell after start trims too (web, which only serves a page now and then, held 2–3 MiB
 * of it for good).
 *
 * Deno (notices) gets no trim: V8 has no such call without flags, and its memory reducer already
 * shrinks the heap of an isolate that went idle.
 */

export type IdleTrimPolicy = {
  /** How long the process must stay quiet before it trims. */
  quietForMs: number;
  /** A stretch counts as quiet below this share of one core (pollers and probes stay far below). */
  quietShare: number;
  /** CPU the process must have spent since the last trim for a trim to be worth its recompiling. */
  minWorkMs: number;
  /** The first quiet spell after start trims whatever the work: the start-up's compiled code is dead weight. */
  afterStart?: boolean;
};

export const DEFAULT_IDLE_TRIM: IdleTrimPolicy = { quietForMs: 30_000, quietShare: 0.1, minWorkMs: 3_000, afterStart: true };

/**
 * The decision, fed one observation at a time (wall clock and the process's CPU time, both in ms):
 * `observe` answers true exactly when the trim should run now.
 */
export class IdleTrimmer {
  private last: { atMs: number; cpuMs: number } | null = null;
  private quietSinceMs: number | null = null;
  private workMs: number;

  constructor(private readonly policy: IdleTrimPolicy = DEFAULT_IDLE_TRIM) {
    this.workMs = policy.afterStart ? policy.minWorkMs : 0;
  }

  observe(atMs: number, cpuMs: number): boolean {
    const last = this.last;
    this.last = { atMs, cpuMs };
    if (!last || atMs <= last.atMs) return false;
    const used = cpuMs - last.cpuMs;
    if (used / (atMs - last.atMs) >= this.policy.quietShare) {
      this.workMs += used;
      this.quietSinceMs = null;
      return false;
    }
    this.quietSinceMs ??= last.atMs;
    if (this.workMs < this.policy.minWorkMs || atMs - this.quietSinceMs < this.policy.quietForMs) return false;
    this.workMs = 0;
    return true;
  }
}

export type IdleTrimOptions = {
  policy?: IdleTrimPolicy;
  /** How often to look at the CPU clock. */
  checkEveryMs?: number;
  /** The trim; by default Bun's (none on a runtime without one: then nothing starts). */
  trim?: () => void;
  /** The process's CPU time so far, in ms. */
  cpuMs?: () => number;
  onTrim?: () => void;
};

type BunWithShrink = { shrink?: () => void };

/** Bun's trim, if this runtime has it (`Bun.shrink`, deprecated in the types but kept and the only call that does this). */
function runtimeTrim(): (() => void) | undefined {
  const bun = (globalThis as { Bun?: BunWithShrink }).Bun;
  return typeof bun?.shrink === "function" ? () => bun.shrink?.() : undefined;
}

const processCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Checks the process's CPU clock every `checkEveryMs` (an unref'd timer: it never keeps a process
 * alive) and trims once per quiet spell after work. Returns the stop function.
 */
export function trimWhenIdle(options: IdleTrimOptions = {}): () => void {
  const trim = options.trim ?? runtimeTrim();
  if (!trim) return () => {};
  const trimmer = new IdleTrimmer(options.policy);
  const cpuMs = options.cpuMs ?? processCpuMs;
  // From now on: work done before the first tick (a start-up, a synchronous burst) counts too.
  trimmer.observe(performance.now(), cpuMs());
  const timer = setInterval(() => {
    if (!trimmer.observe(performance.now(), cpuMs())) return;
    trim();
    options.onTrim?.();
  }, options.checkEveryMs ?? 1_000);
  timer.unref?.();
  return () => clearInterval(timer);
}
