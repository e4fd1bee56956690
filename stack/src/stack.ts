import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderEnvoyConfig } from "@msa-board/gateway";
import { envoyArgs } from "@msa-board/gateway/command";
import { writeEndpointsFile } from "@msa-board/gateway/endpoints";
import { ensureLocalCertificate } from "@msa-board/gateway/local-ca";
import type { ServiceName, StackConfig } from "./config.ts";
import { gatewayOptionsFor } from "./gateway-options.ts";
import {
  describeFaultProxy,
  type FaultProxyDescription,
  type FaultProxyPlan,
  faultProxySpec,
  planFaultProxy,
  type StoreName,
  storePortFor,
} from "./infra/fault-proxy.ts";
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
import { aclLines, type RedisService, type RedisStore, redisUrl, serviceRedisUrl } from "./infra/redis-acl.ts";
import { freePort } from "./ports.ts";
import { newStackSecrets, type StackSecrets } from "./secrets.ts";
import { type ServiceInstance, serviceSpec } from "./services.ts";
import { type Shape, type Unit, type UnitName, unitsOf } from "./shapes.ts";
import { httpHealth } from "./supervisor/health.ts";
import { ManagedProcess, type ProcessSpec } from "./supervisor/managed-process.ts";
import { ProcessOutput } from "./supervisor/output.ts";
import { ownStartTicks } from "./supervisor/proc.ts";
import { type ProcessRecord, removeRunnerRecord, runnerRecordFile, writeRunnerRecord } from "./supervisor/runner-record.ts";
import type { Tools } from "./tools/index.ts";

/** What Jaeger's Go runtime aims to stay under (GOMEMLIMIT): the in-memory store's 5,000 traces fit with room. */
const JAEGER_SOFT_MEMORY_LIMIT = "96MiB";

export const SERVICES: ServiceName[] = ["users", "postings", "notices", "web"];

/** What the control API's `status` answers: where everything is and how it runs — no secret. */
export type StackStatus = {
  mode: StackConfig["mode"];
  /** `microservices` or `monolith`; suites assert what legitimately differs between the two. */
  shape: Shape;
  gatewayUrl: string;
  /** The HTTPS door; its certificate is signed by the CA at `caCertPath`. */
  gatewayTlsUrl: string;
  caCertPath: string;
  jaegerUrl: string;
  envoyAdminUrl: string;
  controlUrl: string;
  otlpHttpUrl: string;
  /** Where each module is served (in the monolith, all three by the same process). */
  services: Record<ServiceName, string[]>;
  /** Process names serving each module (they change with rolls and scaling). */
  instances: Record<ServiceName, string[]>;
  /** The processes of each unit of this shape: `users`, `postings`, `notices`, or `monolith`. */
  units: Partial<Record<UnitName, string[]>>;
  processes: Array<{ name: string; pid: number | undefined; address: string; state: string; restarts: number }>;
  logDir: string;
  dataDir: string;
  /** Toxiproxy's API and one proxy per service→store link, when the stack runs with the fault proxy. */
  faultProxy?: FaultProxyDescription;
  /** notices' opt-in fault control, one URL per process serving notices, when the stack runs with `--faults`. */
  faultControl?: string[];
};

/**
 * `stack.json` (mode 0600): the status plus what only the stack's own user may read — the control
 * token, the database superuser URL, the Redis URLs with passwords (each Redis' `default` user,
 * and each service's own), and in test mode the admin account.
 */
export type StackDescription = StackStatus & {
  controlToken: string;
  databaseUrl: string;
  redisNoticesUrl: string;
  redisEventsUrl: string;
  /** The URL each service connects to its Redis with (its own ACL user). */
  redisServiceUrls: Record<RedisService, string>;
  admin?: { email: string; password: string };
};

/**
 * The whole system as processes in dependency order: stores and Jaeger, then the unit hosting users
 * (it publishes the keys the others verify with), then the others, then Envoy in front. The units
 * come from the shape: a process per module, or one monolith hosting all.
 */
export class Stack {
  readonly processes = new Map<string, ManagedProcess>();
  readonly units: Unit[];
  readonly instances: Partial<Record<UnitName, ServiceInstance[]>> = {};
  private readonly postgres: PostgresInstance;
  private faultProxy: FaultProxyPlan | null = null;
  private outputIndex = 0;
  /** Made fresh for every run; never printed (see secrets.ts). */
  readonly secrets: StackSecrets = newStackSecrets();
  /** Every process ever added, also ones a roll or scale-in took out and is still stopping. */
  private readonly spawned = new Set<ManagedProcess>();

  constructor(
    readonly config: StackConfig,
    readonly tools: Tools,
  ) {
    this.units = unitsOf(config.shape);
    for (const unit of this.units) this.instances[unit.name] = [];
    this.postgres = {
      dataDir: join(config.dataDir, "postgres"),
      port: config.ports.postgres,
      superuser: "postgres",
      superuserPassword: config.postgresSuperuserPassword,
      settings:
        config.mode === "test"
          ? // synchronous_commit back on: chaos and the soak SIGKILL PostgreSQL, and a commit must not be
            // acknowledged before its WAL reached the OS. With fsync off that costs one write().
            { ...THROWAWAY_SETTINGS, synchronous_commit: "on" }
          : { shared_buffers: "256MB" },
    };
  }

  get superuserUrl(): string {
    return superuserUrl(this.postgres);
  }

  /** The port a service dials for one of its stores (through its link's proxy when there is one). */
  storePort(service: UnitName, store: StoreName): number {
    return storePortFor(this.faultProxy, this.config.ports, service, store);
  }

  private output(name: string): ProcessOutput {
    return new ProcessOutput(name, join(this.config.logDir, `${name}.log`), this.config.echo, this.outputIndex++);
  }

  private add(spec: ProcessSpec): ManagedProcess {
    const process = new ManagedProcess(spec, this.output(spec.name));
    this.processes.set(spec.name, process);
    this.spawned.add(process);
    process.onPidChange = () => this.recordProcesses();
    return process;
  }

  private infraSpecs(): ProcessSpec[] {
    const { config, tools } = this;
    const account = serverAccount();
    initCluster(tools.postgres, this.postgres, account, { sync: config.mode !== "test" });
    const redis = (name: string, port: number, store: RedisStore): ProcessSpec => {
      const dir = join(config.dataDir, name);
      mkdirSync(dir, { recursive: true });
      // Hashed passwords only, and a file only this user can read.
      const aclFile = join(config.runDir, `${name}.acl`);
      const passwords = { admin: this.secrets.redisAdmin[store], services: this.secrets.redisServices };
      writeFileSync(aclFile, `${aclLines(store, passwords).join("\n")}\n`, { mode: 0o600 });
      return {
        name,
        command: redisServerCommand(tools.redis, { port, dir, durability: config.mode === "test" ? "aof-unsynced" : "aof", aclFile }),
        health: redisHealth(tools.redis, port, this.secrets.redisAdmin[store]),
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
      redis("redis-notices", config.ports.redisNotices, "redisNotices"),
      // The monolith's events never leave the process: no events Redis.
      ...(config.shape === "monolith" ? [] : [redis("redis-events", config.ports.redisEvents, "redisEvents")]),
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
          // The in-memory store (test stacks): Go's collector would otherwise let the heap grow to
          // twice what is live before collecting; a soft limit makes it collect sooner instead. Not
          // for Badger, whose memtables and block cache alone are larger than this.
          ...(config.mode === "test" ? { GOMEMLIMIT: JAEGER_SOFT_MEMORY_LIMIT } : {}),
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

    const specs = this.infraSpecs();
    if (config.faultProxy) {
      if (!this.tools.toxiproxy) throw new Error("the fault proxy is on but Toxiproxy is not installed (ensureToxiproxy)");
      this.faultProxy = await planFaultProxy(config.ports);
      specs.push(faultProxySpec(this.tools.toxiproxy, this.faultProxy, config.runDir));
    }
    const infra = specs.map((spec) => this.add(spec));
    await this.startAll(infra, log);
    await ensureServiceDatabases(
      this.postgres,
      config.shape === "monolith"
        ? // One database; each module migrates its own schema into it.
          [{ database: "monolith", role: "monolith", password: "monolith" }]
        : [
            { database: "users", role: "users", password: "users" },
            { database: "postings", role: "postings", password: "postings" },
          ],
    );

    const first = this.units.filter((u) => u.modules.includes("users"));
    const rest = this.units.filter((u) => !u.modules.includes("users"));
    await this.startAll((await Promise.all(first.map((u) => this.addServiceInstances(u.name)))).flat(), log);
    await this.startAll((await Promise.all(rest.map((u) => this.addServiceInstances(u.name)))).flat(), log);

    for (const service of SERVICES) this.writeEndpoints(service);
    const certificate = ensureLocalCertificate({ dir: config.tlsDir, openssl: this.tools.openssl });
    if (certificate.createdCa) log(`  ✓ made a local CA for https (trust it once: ${certificate.caPath})`);
    const envoyConfigPath = join(config.runDir, "envoy.json");
    writeFileSync(envoyConfigPath, JSON.stringify(renderEnvoyConfig(gatewayOptionsFor(config)), null, 2));
    const gateway = this.add({
      name: "gateway",
      command: [
        this.tools.envoy,
        ...envoyArgs(envoyConfigPath, { concurrency: config.gateway.concurrency }),
        // The access log is a file; flush it every second so `tail -f` shows requests as they happen.
        "--file-flush-interval-msec",
        "1000",
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

  private async addServiceInstances(unit: UnitName): Promise<ManagedProcess[]> {
    const added: ManagedProcess[] = [];
    for (let i = 0; i < this.config.replicas[unit]; i++) added.push(await this.addServiceInstance(unit));
    return added;
  }

  /** The instances of a unit of this shape (throws for a unit the shape does not have). */
  instancesOf(unit: UnitName): ServiceInstance[] {
    const instances = this.instances[unit];
    if (!instances)
      throw new Error(`the ${this.config.shape} shape has no ${unit} process (units: ${this.units.map((u) => u.name).join(", ")})`);
    return instances;
  }

  /** Every instance serving a module: its service's, or the monolith's. */
  instancesServing(module: ServiceName): ServiceInstance[] {
    return this.units.filter((u) => u.modules.includes(module)).flatMap((u) => this.instancesOf(u.name));
  }

  /** A new instance of a unit on its own port; the first takes the unit's fixed port. */
  async addServiceInstance(unit: UnitName, name?: string): Promise<ManagedProcess> {
    const instances = this.instancesOf(unit);
    const taken = new Set(instances.map((i) => i.port));
    const port = taken.has(this.config.ports[unit]) ? await freePort() : this.config.ports[unit];
    const instance: ServiceInstance = { service: unit, name: name ?? uniqueName(this.processes, unit), port };
    instances.push(instance);
    return this.add(serviceSpec(this, instance));
  }

  removeServiceInstance(unit: UnitName, name: string): void {
    this.instances[unit] = this.instancesOf(unit).filter((i) => i.name !== name);
    this.processes.delete(name);
  }

  /** Tells Envoy, through its watched EDS file, which processes take a module's traffic. */
  writeEndpoints(module: ServiceName): void {
    writeEndpointsFile(
      join(this.config.runDir, "eds", `${module}.eds.json`),
      module,
      this.instancesServing(module).map((i) => ({ host: "127.0.0.1", port: i.port })),
    );
  }

  /** The EDS files of every module a unit hosts (after a roll or a scale of that unit). */
  writeEndpointsOf(unit: UnitName): void {
    for (const module of this.units.find((u) => u.name === unit)?.modules ?? []) this.writeEndpoints(module);
  }

  /**
   * `runner.json` in the data folder: this runner and each child it spawned (pid + start time), so
   * whoever comes next can stop what a dead runner left behind (supervisor/leftovers.ts).
   */
  private recordProcesses(): void {
    const processes = [...this.spawned].map((p) => p.record()).filter((r): r is ProcessRecord => r !== null);
    writeRunnerRecord(runnerRecordFile(this.config.dataDir), {
      runner: { pid: globalThis.process.pid, startTicks: ownStartTicks() },
      controlUrl: `http://127.0.0.1:${this.config.ports.control}`,
      processes,
    });
  }

  /** Stops in reverse dependency order: the door first, the stores last. */
  async stop(log: (line: string) => void): Promise<void> {
    const names = (units: Unit[]) => units.flatMap((u) => this.instancesOf(u.name)).map((i) => i.name);
    const order: string[][] = [
      ["gateway"],
      names(this.units.filter((u) => !u.modules.includes("users"))),
      names(this.units.filter((u) => u.modules.includes("users"))),
      ["toxiproxy", "jaeger", "redis-notices", "redis-events", "postgres"],
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
    for (const process of this.spawned) if (process.pid) await process.stop();
    removeRunnerRecord(runnerRecordFile(this.config.dataDir));
  }

  /** The URL a service connects to its Redis with: its own ACL user and password. */
  redisUrlFor(service: RedisService): string {
    return serviceRedisUrl(this.config.ports, this.secrets.redisServices, service);
  }

  /** Where everything is, with no secret in it: what `npm run stack -- status` shows. */
  status(): StackStatus {
    const { config } = this;
    return {
      mode: config.mode,
      shape: config.shape,
      gatewayUrl: `http://127.0.0.1:${config.ports.gateway}`,
      // localhost: the name the certificate is made for.
      gatewayTlsUrl: `https://localhost:${config.ports.gatewayTls}`,
      caCertPath: join(config.tlsDir, "ca.crt"),
      jaegerUrl: `http://127.0.0.1:${config.ports.jaegerQuery}`,
      envoyAdminUrl: `http://127.0.0.1:${config.ports.envoyAdmin}`,
      controlUrl: `http://127.0.0.1:${config.ports.control}`,
      otlpHttpUrl: `http://127.0.0.1:${config.ports.otlpHttp}`,
      services: Object.fromEntries(SERVICES.map((m) => [m, this.instancesServing(m).map((i) => `http://127.0.0.1:${i.port}`)])) as Record<
        ServiceName,
        string[]
      >,
      instances: Object.fromEntries(SERVICES.map((m) => [m, this.instancesServing(m).map((i) => i.name)])) as Record<ServiceName, string[]>,
      units: Object.fromEntries(this.units.map((u) => [u.name, this.instancesOf(u.name).map((i) => i.name)])),
      processes: [...this.processes.values()].map((p) => ({
        name: p.name,
        pid: p.pid,
        address: p.spec.address,
        state: p.state,
        restarts: p.restarts,
      })),
      logDir: config.logDir,
      dataDir: config.dataDir,
      ...(this.faultProxy ? { faultProxy: describeFaultProxy(this.faultProxy) } : {}),
      ...(config.faultInjection
        ? { faultControl: this.instancesServing("notices").map((i) => `http://127.0.0.1:${i.port}/faults/notices`) }
        : {}),
    };
  }

  /** The status and the secrets tools and tests need: only for the 0600 state file. */
  describe(): StackDescription {
    const { config, secrets } = this;
    return {
      ...this.status(),
      controlToken: secrets.controlToken,
      databaseUrl: this.superuserUrl,
      redisNoticesUrl: redisUrl("127.0.0.1", config.ports.redisNotices, "default", secrets.redisAdmin.redisNotices),
      redisEventsUrl: redisUrl("127.0.0.1", config.ports.redisEvents, "default", secrets.redisAdmin.redisEvents),
      redisServiceUrls: { users: this.redisUrlFor("users"), postings: this.redisUrlFor("postings"), notices: this.redisUrlFor("notices") },
      ...(config.mode === "test" ? { admin: config.admin } : {}),
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
