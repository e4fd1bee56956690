/** Runs a command to completion, capturing output; the installers' only way to touch the system. */
export async function run(
  cmd: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; logFile?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(cmd, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (options.logFile) await Bun.write(options.logFile, `$ ${cmd.join(" ")}\n${stdout}\n${stderr}`);
  return { code, stdout, stderr };
}

export async function runs(binary: string, args: string[] = ["--version"]): Promise<boolean> {
  try {
    return (await run([binary, ...args])).code === 0;
  } catch {
    return false;
  }
}

export function which(name: string, extraDirs: string[] = []): string | null {
  for (const dir of extraDirs) {
    const candidate = `${dir}/${name}`;
    if (Bun.spawnSync(["test", "-x", candidate]).exitCode === 0) return candidate;
  }
  return Bun.which(name);
}
