import { type ChildProcess, spawn } from "node:child_process";
import { type HealthCheck, waitUntil } from "./health.ts";
import { LivenessWatch } from "./liveness-watch.ts";
import type { ProcessOutput } from "./output.ts";
import { withParentDeathSignal } from "./parent-death.ts";
import { procInfo } from "./proc.ts";
import type { ProcessRecord } from "./runner-record.ts";

export type ProcessSpec = {
  name: string;
  command: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** What "ready" means for this process; polled at start and shown in the status table. */
  health: HealthCheck;
  /** Shown in the status table. */
  address: string;
  /** PostgreSQL shuts down fastest and cleanly on SIGINT; everything else gets SIGTERM. */
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
  startTimeoutMs?: number;
  /** Restart with backoff when it dies unexpectedly. */
  supervise?: boolean;
  /** While running: is it still live (not stuck)? Failing it several times in a row restarts it. */
  liveness?: HealthCheck;
  livenessIntervalMs?: number;
};

export type ProcessState = "stopped" | "starting" | "running" | "restarting" | "failed";

const MAX_BACKOFF_MS = 10_000;
const STABLE_AFTER_MS = 30_000;

/**
 * One child process: own process group (so a terminal Ctrl-C reaches only the runner, which then
 * stops everything in order), output to its log, restarts with exponential backoff when it dies.
 */
export class ManagedProcess {
  state: ProcessState = "stopped";
  restarts = 0;
  private child: ChildProcess | null = null;
  private stopping = false;
  private backoffMs = 250;
  private startedAt = 0;
  private exited: Promise<void> = Promise.resolve();
  private readonly livenessWatch: LivenessWatch | undefined;
  private startTicks = 0;
  /** Called whenever the pid changes (spawned, exited), so the runner's record stays current. */
  onPidChange: () => void = () => {};

  constructor(
    readonly spec: ProcessSpec,
    private readonly output: ProcessOutput,
  ) {
    const check = spec.liveness;
    this.livenessWatch =
      check &&
      new LivenessWatch({
        check,
        active: () => this.state === "running" && !this.stopping,
        restart: (reason) => {
          this.output.note(`${reason}; killing it so the supervisor restarts it`);
          this.kill("SIGKILL");
        },
        ...(spec.livenessIntervalMs ? { intervalMs: spec.livenessIntervalMs } : {}),
      });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get name(): string {
    return this.spec.name;
  }

  /** Starts and waits until healthy; throws with the log's tail when it does not come up. */
  async start(): Promise<void> {
    this.stopping = false;
    this.spawn();
    const healthy = await waitUntil(this.spec.health, { timeoutMs: this.spec.startTimeoutMs ?? 60_000 });
    if (!healthy) {
      throw new Error(
        `${this.name} did not become healthy within ${(this.spec.startTimeoutMs ?? 60_000) / 1000}s (log: ${this.output.logFile})`,
      );
    }
    this.state = "running";
    this.livenessWatch?.start();
  }

  /** Who this process is, for the runner's record (null while no child runs). */
  record(): ProcessRecord | null {
    const pid = this.child?.pid;
    if (!pid) return null;
    return { name: this.name, pid, startTicks: this.startTicks, stopSignal: this.spec.stopSignal ?? "SIGTERM" };
  }

  private spawn(): void {
    const [command, ...args] = withParentDeathSignal(this.spec.command, this.spec.stopSignal ?? "SIGTERM");
    const child = spawn(command as string, args, {
      cwd: this.spec.cwd,
      env: { ...process.env, ...this.spec.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.child = child;
    this.state = "starting";
    this.startedAt = Date.now();
    // Read at once: the start time is the process's for life, exec included.
    this.startTicks = child.pid ? (procInfo(child.pid)?.startTicks ?? 0) : 0;
    this.onPidChange();
    child.stdout?.on("data", (chunk: Buffer) => this.output.write("stdout", chunk));
    child.stderr?.on("data", (chunk: Buffer) => this.output.write("stderr", chunk));
    this.exited = new Promise((resolve) => {
      child.on("error", (err) => {
        this.output.note(`could not start: ${err.message}`);
        this.state = "failed";
        resolve();
      });
      child.on("exit", (code, signal) => {
        resolve();
        if (this.child !== child) return;
        this.child = null;
        this.onPidChange();
        if (this.stopping) {
          this.state = "stopped";
          return;
        }
        this.onUnexpectedExit(code, signal);
      });
    });
  }

  private onUnexpectedExit(code: number | null, signal: NodeJS.Signals | null): void {
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (!this.spec.supervise) {
      this.state = "failed";
      this.output.note(`exited (${how}); not supervised`);
      return;
    }
    if (Date.now() - this.startedAt > STABLE_AFTER_MS) this.backoffMs = 250;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.restarts += 1;
    this.state = "restarting";
    this.output.note(`exited unexpectedly (${how}); restart #${this.restarts} in ${delay} ms`);
    setTimeout(() => {
      if (this.stopping) return;
      this.spawn();
      void waitUntil(this.spec.health, { timeoutMs: this.spec.startTimeoutMs ?? 60_000 }).then((ok) => {
        if (this.stopping || !this.child) return;
        this.state = ok ? "running" : "starting";
        this.output.note(ok ? `restarted (pid ${this.pid}) and healthy` : "restarted but not healthy yet");
      });
    }, delay);
  }

  /** Graceful stop of the whole process group; SIGKILL once the timeout passes. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.livenessWatch?.stop();
    const child = this.child;
    if (!child?.pid) {
      this.state = "stopped";
      return;
    }
    const group = -child.pid;
    signalGroup(group, this.spec.stopSignal ?? "SIGTERM");
    const timeoutMs = this.spec.stopTimeoutMs ?? 10_000;
    const timedOut = await Promise.race([this.exited.then(() => false), Bun.sleep(timeoutMs).then(() => true)]);
    if (timedOut) {
      this.output.note(`did not stop within ${timeoutMs} ms; sending SIGKILL`);
      signalGroup(group, "SIGKILL");
      await this.exited;
    }
    // Children that ignored the group signal (rare) must not outlive the stack.
    signalGroup(group, "SIGKILL");
    this.state = "stopped";
    this.output.close();
  }

  /** For chaos tests and rolling deploys: kill without the supervisor treating it as a stop. */
  kill(signal: NodeJS.Signals = "SIGKILL"): boolean {
    const pid = this.child?.pid;
    if (!pid) return false;
    signalGroup(-pid, signal);
    return true;
  }

  async healthy(): Promise<boolean> {
    return this.child !== null && (await this.spec.health());
  }
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(group, signal);
  } catch {
    // Already gone.
  }
}
