import { spawnSync } from "node:child_process";

export type HealthCheck = () => Promise<boolean>;

export const httpHealth =
  (url: string, { timeoutMs = 1_000, accept = (status: number) => status === 200 } = {}): HealthCheck =>
  async () => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
      return accept(res.status);
    } catch {
      return false;
    }
  };

export const commandHealth =
  (command: string[], expect?: RegExp, env?: Record<string, string>): HealthCheck =>
  async () => {
    // Secrets go in the environment, never on a command line other local users can read (ps).
    const result = spawnSync(command[0] as string, command.slice(1), {
      encoding: "utf8",
      timeout: 2_000,
      env: env ? { ...process.env, ...env } : process.env,
    });
    return result.status === 0 && (!expect || expect.test(result.stdout));
  };

export async function waitUntil(
  check: HealthCheck,
  { timeoutMs, intervalMs = 200 }: { timeoutMs: number; intervalMs?: number },
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await Bun.sleep(intervalMs);
  }
  return check();
}
