import { redactDatabaseError } from "../db/safe-error.ts";
import type { Heartbeat } from "../liveness/liveness.ts";
import type { Logger } from "../logger.ts";
import { type BackoffOptions, backoffDelay } from "./backoff.ts";
import { Sleeper } from "./sleeper.ts";

/** One set of words for every background loop: the relay, the consumer, the trimmer. */
export type LoopState = "idle" | "running" | "retrying" | "stopped";

export type LoopStatus = {
  state: LoopState;
  /** When the current run of failures began (null while it works). */
  outageSince: string | null;
  lastError: string | null;
  failedAttemptsTotal: number;
};

/** What a step asks for next: go on at once, or sleep (`wakeable`: a `wake()` may end it early). */
export type StepResult = { idleMs: number; wakeable?: boolean } | undefined;

export type RetryLoopOptions = {
  /** Used in its log lines: "outbox relay", "event consumer", "stream trimmer". */
  name: string;
  logger: Logger;
  step: () => Promise<StepResult>;
  backoff?: Partial<BackoffOptions>;
  heartbeat?: Heartbeat;
  /** How a failure is put in the status and the log (default: the error's message, or its cause's). */
  describeError?: (err: unknown) => string;
};

/**
 * Runs a step over and over until stopped. A step that throws is a failure: logged once per outage
 * (then at debug), retried after an exponential backoff with jitter, and its recovery logged with
 * how long the outage lasted. Every finished step — success or failure — is progress for liveness.
 */
export class RetryLoop {
  private readonly sleeper = new Sleeper();
  private readonly backoff: BackoffOptions;
  private readonly describe: (err: unknown) => string;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private failures = 0;
  private current: LoopStatus = { state: "idle", outageSince: null, lastError: null, failedAttemptsTotal: 0 };

  constructor(private readonly o: RetryLoopOptions) {
    this.backoff = { initialMs: o.backoff?.initialMs ?? 100, maxMs: o.backoff?.maxMs ?? 5_000 };
    this.describe = o.describeError ?? errorMessage;
  }

  get stopped(): boolean {
    return this.stopping;
  }

  /** Runs `run` (the loop) in `within` — e.g. a context that suppresses tracing of the loop's own calls. */
  start(within: (run: () => Promise<void>) => Promise<void> = (run) => run()): void {
    if (this.loop) return;
    this.stopping = false;
    this.sleeper.reset();
    this.current.state = "running";
    this.loop = within(() => this.run());
  }

  /** Ends the current sleep and waits for the step in hand to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper.interrupt();
    await this.loop;
    this.loop = undefined;
    this.o.heartbeat?.stop();
    this.current.state = "stopped";
  }

  /** Ends an idle (wakeable) sleep now; remembered if the loop is busy. */
  wake(): void {
    this.sleeper.wake();
  }

  /** The reason for a backoff has gone (the store is back): retry now instead of at its end. */
  retryNow(): void {
    if (this.current.state === "retrying") this.sleeper.cut();
  }

  status(): LoopStatus {
    return { ...this.current };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let next: StepResult;
      try {
        next = await this.o.step();
        this.succeeded();
      } catch (err) {
        if (this.stopping) break;
        this.failed(err);
        next = { idleMs: backoffDelay(this.failures, this.backoff), wakeable: false };
      }
      this.o.heartbeat?.progress(next?.idleMs ?? 0);
      if (next && next.idleMs > 0 && !this.stopping) await this.sleeper.sleep(next.idleMs, { wakeable: next.wakeable ?? false });
    }
  }

  private succeeded(): void {
    if (this.failures === 0) return;
    const since = this.current.outageSince;
    this.o.logger.info(`${this.o.name} recovered`, {
      failedAttempts: this.failures,
      outageMs: since ? Date.now() - Date.parse(since) : undefined,
    });
    this.failures = 0;
    this.current = { ...this.current, state: "running", outageSince: null, lastError: null };
  }

  private failed(err: unknown): void {
    this.failures += 1;
    this.current.failedAttemptsTotal += 1;
    this.current.lastError = this.describe(err);
    if (this.failures === 1) {
      this.current.state = "retrying";
      this.current.outageSince = new Date().toISOString();
      this.o.logger.warn(`${this.o.name} cannot proceed; retrying with backoff`, { err: this.current.lastError });
    } else {
      this.o.logger.debug(`${this.o.name} retry failed`, { attempt: this.failures, err: this.current.lastError });
    }
  }
}

export function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // drizzle wraps driver errors ("Failed query: … params: …"): the cause says what went wrong without the values.
  const cause = (err as { cause?: unknown }).cause;
  const source = cause instanceof Error ? cause : err;
  // …and PostgreSQL quotes rejected values in some messages (data exceptions): those are redacted too.
  return redactDatabaseError(source)?.message ?? (source.message || source.name);
}
