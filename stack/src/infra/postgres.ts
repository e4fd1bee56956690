import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import postgres from "postgres";
import { commandHealth, type HealthCheck } from "../supervisor/health.ts";
import type { PostgresTools } from "../tools/postgres.ts";

export type DatabaseRole = { database: string; role: string; password: string };

/**
 * Durability traded for speed, for data nobody keeps: the test stack and throw-away test stores.
 * shared_buffers sized for their data: the bench's million postings fill any size after their
 * autovacuum (128MB was 128 MiB of the stack's memory at rest), while the pages its reads touch fit in
 * 64MB; the rest of the table is served from the kernel's page cache (not counted in PSS). Measured at
 * 1M rows, 100 req/s direct: page 1 / page 400 median 1.9–2.3 / 2.1–2.3 ms with 64MB against
 * 2.3–2.4 / 2.2–2.6 ms with 128MB; 32MB made page 400 slower (2.2–3.3 ms, p99 up to 37 ms).
 */
export const THROWAWAY_SETTINGS: Record<string, string> = {
  fsync: "off",
  synchronous_commit: "off",
  full_page_writes: "off",
  shared_buffers: "64MB",
};

export type PostgresInstance = {
  dataDir: string;
  port: number;
  superuser: string;
  superuserPassword: string;
  /** Extra server settings; the test stack trades durability for speed. */
  settings: Record<string, string>;
};

/** initdb refuses to run as root, so root runs the server as an unprivileged account. */
export function serverAccount(): string | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ["postgres", "msaboard"]) {
    if (spawnSync("id", ["-u", name]).status === 0) return name;
  }
  const created = spawnSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "msaboard"]);
  if (created.status !== 0)
    throw new Error("running as root and no unprivileged account exists for PostgreSQL; create one: useradd --system msaboard");
  return "msaboard";
}

export function asAccount(account: string | null, command: string[]): string[] {
  if (!account) return command;
  return ["setpriv", `--reuid=${account}`, `--regid=${account}`, "--clear-groups", "--", ...command];
}

/**
 * Creates the cluster on first start; data persists in `dataDir` across runs. `sync: false` skips
 * initdb's final fsync (a second saved per cluster nobody keeps).
 */
export function initCluster(
  tools: PostgresTools,
  instance: PostgresInstance,
  account: string | null,
  { sync = true }: { sync?: boolean } = {},
): void {
  if (existsSync(join(instance.dataDir, "PG_VERSION"))) return;
  mkdirSync(instance.dataDir, { recursive: true });
  chmodSync(instance.dataDir, 0o700);
  const pwfile = join(instance.dataDir, "..", ".pg-superuser-password");
  writeFileSync(pwfile, `${instance.superuserPassword}\n`, { mode: 0o600 });
  if (account) {
    // mkdtemp makes 0700 folders: the server account must be able to pass through ours.
    const parent = dirname(instance.dataDir);
    chmodSync(parent, statSync(parent).mode | 0o011);
    spawnSync("chown", ["-R", `${account}:`, instance.dataDir, pwfile]);
    const probe = spawnSync("setpriv", [
      `--reuid=${account}`,
      `--regid=${account}`,
      "--clear-groups",
      "--",
      "test",
      "-w",
      instance.dataDir,
    ]);
    if (probe.status !== 0) {
      throw new Error(
        `PostgreSQL runs as '${account}' but cannot reach ${instance.dataDir}: a parent folder is not traversable. ` +
          "Clone the repository under a world-traversable folder, or pass --data-dir with one.",
      );
    }
  }
  const [command, ...args] = asAccount(account, [
    join(tools.binDir, "initdb"),
    "-D",
    instance.dataDir,
    "-U",
    instance.superuser,
    `--pwfile=${pwfile}`,
    "--auth-local=scram-sha-256",
    "--auth-host=scram-sha-256",
    "-E",
    "UTF8",
    "--locale=C",
    ...(sync ? [] : ["--no-sync"]),
  ]);
  const result = spawnSync(command as string, args, { encoding: "utf8" });
  spawnSync("rm", ["-f", pwfile]);
  if (result.status !== 0) throw new Error(`initdb failed:\n${result.stderr || result.stdout}`);
}

/**
 * A new cluster as a copy of `templateDataDir` (made by initCluster, never started): several times
 * cheaper than initdb, which a throw-away store would otherwise pay on every run. The copy keeps the
 * template's owner, and the server account gets through the copy's parent folder.
 */
export function copyCluster(templateDataDir: string, instance: PostgresInstance, account: string | null): void {
  const parent = dirname(instance.dataDir);
  mkdirSync(parent, { recursive: true });
  const copy = spawnSync("cp", ["-a", templateDataDir, instance.dataDir], { encoding: "utf8" });
  if (copy.status !== 0) throw new Error(`could not copy the template cluster ${templateDataDir}: ${copy.stderr}`);
  if (account) chmodSync(parent, statSync(parent).mode | 0o011);
}

export function serverCommand(tools: PostgresTools, instance: PostgresInstance, account: string | null): string[] {
  const settings: Record<string, string> = {
    listen_addresses: "127.0.0.1",
    // TCP only: socket paths have a length limit deep data dirs exceed.
    unix_socket_directories: "",
    max_connections: "200",
    log_min_messages: "warning",
    log_line_prefix: "%m [%p] ",
    ...instance.settings,
  };
  const flags = Object.entries(settings).flatMap(([key, value]) => ["-c", `${key}=${value}`]);
  return asAccount(account, [join(tools.binDir, "postgres"), "-D", instance.dataDir, "-p", String(instance.port), ...flags]);
}

export const postgresHealth = (tools: PostgresTools, port: number): HealthCheck =>
  commandHealth([join(tools.binDir, "pg_isready"), "-h", "127.0.0.1", "-p", String(port), "-q"]);

export function superuserUrl(instance: PostgresInstance, database = "postgres"): string {
  return `postgres://${instance.superuser}:${encodeURIComponent(instance.superuserPassword)}@127.0.0.1:${instance.port}/${database}`;
}

export function roleUrl(instance: PostgresInstance, role: DatabaseRole): string {
  return `postgres://${role.role}:${encodeURIComponent(role.password)}@127.0.0.1:${instance.port}/${role.database}`;
}

/**
 * One database and one role per service; each role may connect only to its own database, so the
 * users service cannot read postings' data (and the reverse) even by mistake.
 */
export async function ensureServiceDatabases(instance: PostgresInstance, roles: DatabaseRole[]): Promise<void> {
  const sql = postgres(superuserUrl(instance), { max: 1, onnotice: () => {} });
  try {
    for (const { database, role, password } of roles) {
      const [existingRole] = await sql`select 1 from pg_roles where rolname = ${role}`;
      if (!existingRole) await sql.unsafe(`create role "${role}" login password '${password.replaceAll("'", "''")}'`);
      const [existingDb] = await sql`select 1 from pg_database where datname = ${database}`;
      if (!existingDb) await sql.unsafe(`create database "${database}" owner "${role}"`);
      await sql.unsafe(`revoke all on database "${database}" from public`);
      await sql.unsafe(`grant connect, create, temporary on database "${database}" to "${role}"`);
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
