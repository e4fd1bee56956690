import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  copyCluster,
  type PostgresInstance,
  postgresHealth,
  serverAccount,
  serverCommand,
  superuserUrl,
  THROWAWAY_SETTINGS,
} from "../infra/postgres.ts";
import { redisHealth, redisServerCommand } from "../infra/redis.ts";
import { freePort } from "../ports.ts";
import type { HealthCheck } from "../supervisor/health.ts";
import { ManagedProcess, type ProcessSpec } from "../supervisor/managed-process.ts";
import { ProcessOutput } from "../supervisor/output.ts";
import type { ToolContext } from "../tools/context.ts";
import { ensurePostgres, type PostgresTools } from "../tools/postgres.ts";
import { ensureRedis, type RedisTools } from "../tools/redis.ts";
import { NEEDS, type StoreNeed } from "./needs.ts";
import { ensurePostgresTemplate } from "./postgres-template.ts";

/** A port picked free may be taken before the store binds it (other runs pick too): try again. */
const PORT_ATTEMPTS = 3;

/**
 * Stores for one test run in one temporary folder: PostgreSQL and Redis as the test stack runs them
 * (durability off), on free ports, from the tool cache `npm start` uses. `stop` ends whatever got
 * started, also halfway through `start`.
 */
export class ThrowawayStores {
  private readonly processes: ManagedProcess[] = [];
  private stopped = false;

  constructor(
    readonly dir: string,
    private readonly ctx: ToolContext,
  ) {}

  /** Starts every store and returns the variables the suites read. */
  async start(needs: StoreNeed[]): Promise<Record<string, string>> {
    // apt installs take the dpkg lock, so those run one after the other.
    const postgresTools = needs.includes("postgres") ? await ensurePostgres(this.ctx) : undefined;
    const redisTools = needs.some((n) => n !== "postgres") ? await ensureRedis(this.ctx) : undefined;
    const env: Record<string, string> = {};
    // Redis first: copying the PostgreSQL cluster blocks the event loop for a moment; Redis need not wait.
    const redisStarts = needs
      .filter((n) => n !== "postgres")
      .map(async (need) => {
        env[NEEDS[need].env] = await this.startRedis(need, redisTools as RedisTools);
      });
    const postgresStart = postgresTools
      ? this.startPostgres(postgresTools).then((url) => {
          env[NEEDS.postgres.env] = url;
        })
      : Promise.resolve();
    // Every start settles before this one does, so a failure of one leaves none of them half-done.
    const failed = (await Promise.allSettled([postgresStart, ...redisStarts])).find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
    return env;
  }

  /** Stops what runs; a `start` still under way starts nothing more and fails soon after. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.processes.map((p) => p.stop()));
  }

  private async startPostgres(tools: PostgresTools): Promise<string> {
    const account = serverAccount();
    const template = await ensurePostgresTemplate(tools, account, this.ctx);
    const instance: PostgresInstance = {
      dataDir: join(this.dir, "postgres"),
      port: 0,
      superuser: "postgres",
      superuserPassword: template.superuserPassword,
      settings: THROWAWAY_SETTINGS,
    };
    copyCluster(template.dataDir, instance, account);
    await this.startOnFreePort("postgres", async (port) => {
      instance.port = port;
      return {
        command: serverCommand(tools, instance, account),
        health: postgresHealth(tools, port),
        // Fast shutdown: with fsync off its checkpoint costs nothing.
        stopSignal: "SIGINT",
      };
    });
    return superuserUrl(instance);
  }

  private async startRedis(need: StoreNeed, tools: RedisTools): Promise<string> {
    const dir = join(this.dir, need);
    mkdirSync(dir, { recursive: true });
    const port = await this.startOnFreePort(need, async (port) => ({
      command: redisServerCommand(tools, { port, dir, durability: "none" }),
      health: redisHealth(tools, port),
    }));
    return `redis://127.0.0.1:${port}`;
  }

  private async startOnFreePort(
    name: string,
    specFor: (port: number) => Promise<Pick<ProcessSpec, "command" | "health" | "stopSignal">>,
  ): Promise<number> {
    const logFile = join(this.dir, "logs", `${name}.log`);
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) throw new Error(`stopped before ${name} started`);
      const port = await freePort();
      const spec = await specFor(port);
      let process: ManagedProcess | undefined;
      // A store that exits while starting (port taken, bad setting) fails at once, not after the timeout.
      const health: HealthCheck = async () => {
        if (process?.state === "failed") throw new StoreExitedError(name, logFile);
        if (this.stopped) throw new Error(`stopped while ${name} was starting`);
        return spec.health();
      };
      process = new ManagedProcess(
        { ...spec, name, health, address: `127.0.0.1:${port}`, startTimeoutMs: 30_000, stopTimeoutMs: 10_000 },
        new ProcessOutput(name, logFile, false, this.processes.length),
      );
      this.processes.push(process);
      try {
        await process.start();
        return port;
      } catch (err) {
        if (!(err instanceof StoreExitedError) || attempt === PORT_ATTEMPTS) throw withLogTail(err as Error, logFile);
      }
    }
  }
}

class StoreExitedError extends Error {
  constructor(name: string, logFile: string) {
    super(`${name} exited while starting (log: ${logFile})`);
  }
}

function withLogTail(err: Error, logFile: string): Error {
  if (!existsSync(logFile)) return err;
  const tail = readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-10).join("\n");
  return new Error(`${err.message}\n${tail}`);
}
