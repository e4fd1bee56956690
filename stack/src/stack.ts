import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderEnvoyConfig } from "@msa-board/gateway";
import { writeEndpointsFile } from "@msa-board/gateway/endpoints";
import type { ServiceName, StackConfig } from "./config.ts";
import { gatewayOptionsFor } from "./gateway-options.ts";
import {
  ensureServiceDatabases,
  initCluster,
  type PostgresInstance,
  postgresHealth,
  serverAccount,
  serverCommand,
  superuserUrl,
  THROWAWAY_SETTINGS,
} from "./infra/postgres.ts";
import { redisHealth, redisServerCommand } from "./infra/redis.ts";
import { freePort } from "./ports.ts";
import { type ServiceInstance, serviceSpec } from "./services.ts";
import { httpHealth } from "./supervisor/health.ts";
import { ManagedProcess, type ProcessSpec } from "./supervisor/managed-process.ts";
import { ProcessOutput } from "./supervisor/output.ts";
import type { Tools } from "./tools/index.ts";

export const SERVICES: ServiceName[] = ["users", "postings", "notices", "web"];

export type StackDescription = {
  mode: StackConfig["mode"];
  gatewayUrl: string;
  jaegerUrl: string;
  envoyAdminUrl: string;
  controlUrl: string;
  otlpHttpUrl: string;
  services: Record<ServiceName, string[]>;
  /** Process names of each service's instances (they change with rolls and scaling). */
  instances: Record<ServiceName, string[]>;
  databaseUrl: string;
  redisNoticesUrl: string;
  redisEventsUrl: string;
  admin?: { email: string; password: string };
  processes: Array<{ name: string; pid: number | undefined; address: string; state: string; restarts: number }>;
  logDir: string;
  dataDir: string;
};

/**
 * The whole system as processes in dependency order: stores and Jaeger, then users (it publishes
 * the keys the others verify with), then postings and notices, then Envoy in front.
 */
export class Stack {
  readonly processes = new Map<string, ManagedProcess>();
  readonly instances: Record<ServiceName, ServiceInstance[]> = { users: [], postings: [], notices: [], web: [] };
  private readonly postgres: PostgresInstance;
  private outputIndex = 0;

  constructor(
    readonly config: StackConfig,
    readonly tools: Tools,
  ) {
    this.postgres = {
      dataDir: join(config.dataDir, "postgres"),
      port: config.ports.postgres,
      superuser: "postgres",
      superuserPassword: config.postgresSuperuserPassword,
      settings: config.mode === "test" ? THROWAWAY_SETTINGS : { shared_buffers: "256MB" },
    };
  }

  get superuserUrl(): string {
    return superuserUrl(this.postgres);
  }

  private output(name: string): ProcessOutput {
    return new ProcessOutput(name, join(this.config.logDir, `${name}.log`), this.config.echo, this.outputIndex++);
  }

  private add(spec: ProcessSpec): ManagedProcess {
    const process = new ManagedProcess(spec, this.output(spec.name));
    this.processes.set(spec.name, process);
    return process;
  }

  private infraSpecs(): ProcessSpec[] {
    const { config, tools } = this;
    const account = serverAccount();
    initCluster(tools.postgres, this.postgres, account, { sync: config.mode !== "test" });
    const redis = (name: string, port: number): ProcessSpec => {
      const dir = join(config.dataDir, name);
      mkdirSync(dir, { recursive: true });
      return {
        name,
        command: redisServerCommand(tools.redis, { port, dir, durability: config.mode === "test" ? "aof-unsynced" : "aof" }),
        health: redisHealth(tools.redis, port),
        address: `redis://127.0.0.1:${port}`,
        supervise: true,
      };
    };
    const jaegerDataDir = join(config.dataDir, "jaeger");
    mkdirSync(jaegerDataDir, { recursive: true });
    return [
      {
        name: "postgres",
        command: serverCommand(tools.postgres, this.postgres, account),
        health: postgresHealth(tools.postgres, config.ports.postgres),
        address: `127.0.0.1:${config.ports.postgres}`,
        stopSignal: "SIGINT",
        stopTimeoutMs: 20_000,
        supervise: true,
      },
      redis("redis-notices", config.ports.redisNotices),
      redis("redis-events", config.ports.redisEvents),
      {
        name: "jaeger",
        command: [
          tools.jaeger,
          "--config",
          join(config.root, "observability", config.mode === "test" ? "jaeger-memory.yaml" : "jaeger.yaml"),
        ],
        env: {
          OTLP_GRPC_PORT: String(config.ports.otlpGrpc),
          OTLP_HTTP_PORT: String(config.ports.otlpHttp),
          JAEGER_QUERY_PORT: String(config.ports.jaegerQuery),
          JAEGER_HEALTH_PORT: String(config.ports.jaegerHealth),
          JAEGER_METRICS_PORT: String(config.ports.jaegerMetrics),
          JAEGER_DATA_DIR: jaegerDataDir,
        },
        health: httpHealth(`http://127.0.0.1:${config.ports.jaegerHealth}/`),
        address: `http://localhost:${config.ports.jaegerQuery}`,
        supervise: true,
      },
    ];
  }

  /** Starts everything and waits until each part is healthy, in dependency order. */
  async start(log: (line: string) => void): Promise<void> {
    const { config } = this;
    mkdirSync(config.logDir, { recursive: true });
    rmSync(config.runDir, { recursive: true, force: true });
    mkdirSync(join(config.runDir, "eds"), { recursive: true });

    const infra = this.infraSpecs().map((spec) => this.add(spec));
    await this.startAll(infra, log);
    await ensureServiceDatabases(this.postgres, [
      { database: "users", role: "users", password: "users" },
      { database: "postings", role: "postings", password: "postings" },
    ]);

    await this.startAll(await this.addServiceInstances("users"), log);
    await this.startAll(
      [
        ...(await this.addServiceInstances("postings")),
        ...(await this.addServiceInstances("notices")),
        // The web front end needs no store; it reaches users and Jaeger only when someone clicks.
        ...(await this.addServiceInstances("web")),
      ],
      log,
    );

    for (const service of SERVICES) this.writeEndpoints(service);
    const envoyConfigPath = join(config.runDir, "envoy.json");
    writeFileSync(envoyConfigPath, JSON.stringify(renderEnvoyConfig(gatewayOptionsFor(config)), null, 2));
    const gateway = this.add({
      name: "gateway",
      command: [
        this.tools.envoy,
        "-c",
        envoyConfigPath,
        "--disable-hot-restart",
        "--log-level",
        "warn",
        // The access log is a file; flush it every second so `tail -f` shows requests as they happen.
        "--file-flush-interval-msec",
        "1000",
        "--service-node",
        "gateway",
        "--service-cluster",
        "gateway",
      ],
      health: httpHealth(`http://127.0.0.1:${config.ports.envoyAdmin}/ready`),
      address: `http://localhost:${config.ports.gateway}`,
      supervise: true,
    });
    await this.startAll([gateway], log);
    this.writeDescription();
  }

  private async startAll(processes: ManagedProcess[], log: (line: string) => void): Promise<void> {
    await Promise.all(
      processes.map(async (process) => {
        const started = performance.now();
        await process.start();
        log(`  ✓ ${process.name.padEnd(12)} healthy in ${((performance.now() - started) / 1000).toFixed(1)}s  ${process.spec.address}`);
      }),
    );
  }

  private async addServiceInstances(service: ServiceName): Promise<ManagedProcess[]> {
    const added: ManagedProcess[] = [];
    for (let i = 0; i < this.config.replicas[service]; i++) added.push(await this.addServiceInstance(service));
    return added;
  }

  /** A new instance of a service on its own port; the first takes the service's fixed port. */
  async addServiceInstance(service: ServiceName, name?: string): Promise<ManagedProcess> {
    const taken = new Set(this.instances[service].map((i) => i.port));
    const port = taken.has(this.config.ports[service]) ? await freePort() : this.config.ports[service];
    const instance: ServiceInstance = { service, name: name ?? uniqueName(this.processes, service), port };
    this.instances[service].push(instance);
    return this.add(serviceSpec(this, instance));
  }

  removeServiceInstance(service: ServiceName, name: string): void {
    this.instances[service] = this.instances[service].filter((i) => i.name !== name);
    this.processes.delete(name);
  }

  /** Tells Envoy, through its watched EDS file, which instances of a service take traffic. */
  writeEndpoints(service: ServiceName): void {
    writeEndpointsFile(
      join(this.config.runDir, "eds", `${service}.eds.json`),
      service,
      this.instances[service].map((i) => ({ host: "127.0.0.1", port: i.port })),
    );
  }

  /** Stops in reverse dependency order: the door first, the stores last. */
  async stop(log: (line: string) => void): Promise<void> {
    const order: string[][] = [
      ["gateway"],
      [...this.instances.web, ...this.instances.postings, ...this.instances.notices].map((i) => i.name),
      this.instances.users.map((i) => i.name),
      ["jaeger", "redis-notices", "redis-events", "postgres"],
    ];
    const stopped = new Set<string>();
    for (const group of order) {
      await Promise.all(
        group.map(async (name) => {
          const process = this.processes.get(name);
          if (!process) return;
          stopped.add(name);
          await process.stop();
          log(`  ■ ${name} stopped`);
        }),
      );
    }
    for (const [name, process] of this.processes) if (!stopped.has(name)) await process.stop();
  }

  describe(): StackDescription {
    const { config } = this;
    return {
      mode: config.mode,
      gatewayUrl: `http://127.0.0.1:${config.ports.gateway}`,
      jaegerUrl: `http://127.0.0.1:${config.ports.jaegerQuery}`,
      envoyAdminUrl: `http://127.0.0.1:${config.ports.envoyAdmin}`,
      controlUrl: `http://127.0.0.1:${config.ports.control}`,
      otlpHttpUrl: `http://127.0.0.1:${config.ports.otlpHttp}`,
      services: {
        users: this.instances.users.map((i) => `http://127.0.0.1:${i.port}`),
        postings: this.instances.postings.map((i) => `http://127.0.0.1:${i.port}`),
        notices: this.instances.notices.map((i) => `http://127.0.0.1:${i.port}`),
        web: this.instances.web.map((i) => `http://127.0.0.1:${i.port}`),
      },
      instances: {
        users: this.instances.users.map((i) => i.name),
        postings: this.instances.postings.map((i) => i.name),
        notices: this.instances.notices.map((i) => i.name),
        web: this.instances.web.map((i) => i.name),
      },
      databaseUrl: this.superuserUrl,
      redisNoticesUrl: `redis://127.0.0.1:${config.ports.redisNotices}`,
      redisEventsUrl: `redis://127.0.0.1:${config.ports.redisEvents}`,
      ...(config.mode === "test" ? { admin: config.admin } : {}),
      processes: [...this.processes.values()].map((p) => ({
        name: p.name,
        pid: p.pid,
        address: p.spec.address,
        state: p.state,
        restarts: p.restarts,
      })),
      logDir: config.logDir,
      dataDir: config.dataDir,
    };
  }

  /** `stack.json`: how tests and tools (trace, bench, roll) find this running stack. */
  writeDescription(): void {
    writeFileSync(join(this.config.runDir, "stack.json"), JSON.stringify(this.describe(), null, 2), { mode: 0o600 });
  }
}

function uniqueName(processes: Map<string, unknown>, name: string): string {
  if (!processes.has(name)) return name;
  let n = 2;
  while (processes.has(`${name}-${n}`)) n++;
  return `${name}-${n}`;
}
