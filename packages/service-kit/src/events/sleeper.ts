/**
 * A sleep that a notification can cut short. A wake that arrives while nobody sleeps is remembered,
 * so a NOTIFY during a publish pass is not lost.
 */
export class Sleeper {
  private pendingWake = false;
  private interrupted = false;
  private waiter: { resolve: () => void; timer: ReturnType<typeof setTimeout>; wakeable: boolean } | undefined;

  sleep(ms: number, { wakeable }: { wakeable: boolean }): Promise<void> {
    if (this.interrupted) return Promise.resolve();
    if (wakeable && this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.release(), ms);
      this.waiter = { resolve, timer, wakeable };
    });
  }

  wake(): void {
    if (this.waiter?.wakeable) this.release();
    else this.pendingWake = true;
  }

  /** Ends the current sleep, wakeable or not (a backoff whose reason has gone away). */
  cut(): void {
    this.release();
  }

  /** Ends any sleep, wakeable or not, and every later one until `reset` (used by stop). */
  interrupt(): void {
    this.interrupted = true;
    this.release();
  }

  reset(): void {
    this.interrupted = false;
    this.pendingWake = false;
  }

  private release(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (!waiter) return;
    clearTimeout(waiter.timer);
    waiter.resolve();
  }
}
