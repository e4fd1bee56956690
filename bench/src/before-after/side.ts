import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** What the driver needs of a stack, whichever revision's `@msa-board/stack` made it. */
export type SideStack = {
  start(log: (line: string) => void): Promise<void>;
  stop(log: (line: string) => void): Promise<void>;
  describe(): { gatewayUrl: string; services: Record<string, string[]> };
  processes: Map<string, { name: string; pid?: number }>;
  config: { root: string; tracing: boolean; ports: { postgres: number } };
  superuserUrl: string;
  tools: { bun: string };
};

/** A revision of the repository, checked out once, whose own stack code starts its own services. */
export type Side = {
  label: string;
  revision: string;
  dir: string;
  startStack(dataDir: string, tracing: boolean): Promise<SideStack>;
};

const repoRoot = resolve(import.meta.dir, "..", "..", "..");
const sidesDir = join(process.env.MSA_BOARD_CACHE ?? join(homedir(), ".cache", "msa-board"), "bench-sides");

function git(args: string[], cwd = repoRoot): string {
  const result = Bun.spawnSync(["git", ...args], { cwd, stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr.toString().trim()}`);
  return result.stdout.toString().trim();
}

/**
 * `WORKTREE` is this checkout as it is (uncommitted changes included); anything else is a git
 * revision, checked out (detached) under ~/.cache/msa-board/bench-sides/<commit> with its own
 * locked dependencies, so its services, stack runner and configs are exactly that revision's.
 */
export async function prepareSide(label: string, revision: string): Promise<Side> {
  let dir = repoRoot;
  let commit = "WORKTREE";
  if (revision !== "WORKTREE") {
    commit = git(["rev-parse", "--verify", `${revision}^{commit}`]);
    dir = join(sidesDir, commit);
    if (!existsSync(join(dir, "package.json"))) {
      git(["worktree", "prune"]);
      git(["worktree", "add", "--detach", dir, commit]);
    }
    const install = Bun.spawnSync([process.execPath, "install", "--frozen-lockfile"], { cwd: dir, stdout: "ignore", stderr: "pipe" });
    if (install.exitCode !== 0) throw new Error(`bun install in ${dir}: ${install.stderr.toString().trim()}`);
  }
  // The revision's own modules: its Stack knows its own services, ports and configs.
  const stackModule = await import(join(dir, "stack", "src", "stack.ts"));
  const configModule = await import(join(dir, "stack", "src", "config.ts"));
  const toolsModule = await import(join(dir, "stack", "src", "tools", "index.ts"));
  const workspaceModule = await import(join(dir, "stack", "src", "workspace.ts"));
  const tools = await toolsModule.ensureTools();
  await workspaceModule.prepareWorkspace(tools);
  return {
    label,
    revision: commit === "WORKTREE" ? `${git(["rev-parse", "--short", "HEAD"])} + working tree` : commit.slice(0, 10),
    dir,
    async startStack(dataDir, tracing) {
      const config = await configModule.testConfig(dataDir);
      config.tracing = tracing;
      const stack = new stackModule.Stack(config, tools) as SideStack;
      await stack.start(() => {});
      return stack;
    },
  };
}
