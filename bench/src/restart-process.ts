/** What the bench needs of a stack's supervised process (a ManagedProcess) to restart it. */
export type Supervised = {
  pid?: number;
  spec: { env: Record<string, string> };
  kill(signal?: NodeJS.Signals): boolean;
  healthy(): Promise<boolean>;
};

export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

/** SIGTERM the process and wait until the supervisor has it running (and healthy) again under a new pid. */
export async function restart(p: Supervised, name: string): Promise<void> {
  const old = p.pid;
  p.kill("SIGTERM");
  await until(async () => p.pid !== undefined && p.pid !== old && (await p.healthy()), `${name} to restart`);
}

/** The stack's process `name`, restarted with `env` added to its environment (e.g. a runtime knob to measure). */
export async function restartWithEnv(stack: { processes: Map<string, unknown> }, name: string, env: Record<string, string>): Promise<void> {
  const p = stack.processes.get(name) as Supervised | undefined;
  if (!p) throw new Error(`the stack has no process named ${name}`);
  Object.assign(p.spec.env, env);
  await restart(p, name);
}
