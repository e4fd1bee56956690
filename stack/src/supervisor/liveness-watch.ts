import type { HealthCheck } from "./health.ts";

export type LivenessWatchOptions = {
  check: HealthCheck;
  /** Called when the process has failed `failuresToRestart` checks in a row: kill it so it restarts. */
  restart: (reason: string) => void;
  /** Only while this is true (the process is running, not starting, stopping or already restarting). */
  active: () => boolean;
  intervalMs?: number;
  failuresToRestart?: number;
};

/**
 * The supervisor's side of `/livez`: a live process that stopped being live (a background loop stuck
 * on an await that will never settle) is restarted, as a Kubernetes livenessProbe would. Several
 * failures in a row are needed, so one slow answer under load never costs a restart. A store outage
 * never fails `/livez` (it is reported and waited out), so it never causes a restart either.
 */
export class LivenessWatch {
  private timer: ReturnType<typeof setInterval> | undefined;
  private failures = 0;
  private checking = false;

  constructor(private readonly o: LivenessWatchOptions) {}

  start(): void {
    if (this.timer) return;
    this.failures = 0;
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs ?? 5_000);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One check (the interval calls it; tests may too). */
  async tick(): Promise<void> {
    if (this.checking) return;
    if (!this.o.active()) {
      this.failures = 0;
      return;
    }
    this.checking = true;
    try {
      const live = await this.o.check();
      this.failures = live ? 0 : this.failures + 1;
      const limit = this.o.failuresToRestart ?? 3;
      if (this.failures >= limit && this.o.active()) {
        this.failures = 0;
        this.o.restart(`not live: ${limit} liveness checks failed in a row`);
      }
    } finally {
      this.checking = false;
    }
  }
}
