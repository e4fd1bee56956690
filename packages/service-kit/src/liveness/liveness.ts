/** What `/livez` reports for one background loop. */
export type LoopLiveness = {
  /** Milliseconds since the loop last finished a step (a success or a failure it reported). */
  sinceProgressMs: number;
  /** The loop promised its next step by then; past it (plus the stall bound) it is stuck. */
  overdueMs: number;
  stuck: boolean;
};

export type LivenessReport = { live: boolean; loops: Record<string, LoopLiveness> };

/** What a loop holds: `progress(nextStepWithinMs)` after each step, `stop()` when it ends on purpose. */
export type Heartbeat = {
  /** Called after every step; `idleMs` is how long the loop now sleeps before its next one. */
  progress(idleMs?: number): void;
  stop(): void;
};

type Entry = { lastProgressAt: number; dueBy: number; stallAfterMs: number };

/**
 * Liveness of a process's background loops (outbox relay, event consumer, stream trimmer). Every
 * call a loop makes is bounded in time, so a step always ends — in success, or in a failure the
 * loop reports and backs off from (a store outage is that: reported and waited out, never "stuck").
 * A loop whose step has not ended within its bound is stuck on an await that will never settle:
 * only a restart helps, and `/livez` says so to whoever can restart (the stack's supervisor, a
 * Kubernetes livenessProbe).
 */
export class Liveness {
  private readonly loops = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** `stallAfterMs`: longer than one step can take with every call at its time bound. */
  register(name: string, stallAfterMs: number): Heartbeat {
    const start = this.now();
    const entry: Entry = { lastProgressAt: start, dueBy: start + stallAfterMs, stallAfterMs };
    this.loops.set(name, entry);
    return {
      progress: (idleMs = 0) => {
        const at = this.now();
        entry.lastProgressAt = at;
        entry.dueBy = at + idleMs + entry.stallAfterMs;
      },
      stop: () => {
        this.loops.delete(name);
      },
    };
  }

  report(): LivenessReport {
    const now = this.now();
    const loops: Record<string, LoopLiveness> = {};
    let live = true;
    for (const [name, entry] of this.loops) {
      const stuck = now > entry.dueBy;
      if (stuck) live = false;
      loops[name] = { sinceProgressMs: now - entry.lastProgressAt, overdueMs: Math.max(0, now - entry.dueBy), stuck };
    }
    return { live, loops };
  }
}
