import { MissingToolError, type ToolContext } from "./context.ts";
import { run } from "./exec.ts";

let updated = false;

/**
 * Installs Debian packages, with sudo when not root. Failing that, the error names the exact
 * command to run, so a fresh machine never fails with a bare "not found".
 */
export async function aptInstall(packages: string[], why: string): Promise<void> {
  const isRoot = process.getuid?.() === 0;
  const prefix = isRoot ? [] : Bun.which("sudo") ? ["sudo", "-n"] : null;
  const manual = `sudo apt-get update && sudo apt-get install -y ${packages.join(" ")}`;
  if (!prefix || !Bun.which("apt-get")) {
    throw new MissingToolError(`${why} is missing. Install it with: ${manual}`);
  }
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const install = () => run([...prefix, "apt-get", "install", "-y", "-q", "--no-install-recommends", ...packages], { env });
  let result = updated ? await install() : { code: 1, stdout: "", stderr: "" };
  if (result.code !== 0) {
    if (!updated) {
      await run([...prefix, "apt-get", "update", "-q"], { env });
      updated = true;
    }
    result = await install();
  }
  if (result.code !== 0) {
    throw new MissingToolError(`${why} is missing and apt-get could not install it:\n${result.stderr.trim()}\nInstall it with: ${manual}`);
  }
}

/** A command-line tool that comes from a Debian package: what to look for, and what to install. */
export type AptBinary = {
  /** Names to look for on PATH (and in /usr/bin, /usr/local/bin), the first found wins. */
  names: string[];
  /** The package, from `versions.json` (`apt`). */
  aptPackage: string;
  /** How progress names it: "installing <label> (apt)". */
  label: string;
  /** What it is for, in the error when it cannot be installed. */
  why: string;
};

const findBinary = (names: string[]): string | null => {
  for (const name of names) {
    const found = Bun.which(name) ?? Bun.which(name, { PATH: "/usr/bin:/usr/local/bin" });
    if (found) return found;
  }
  return null;
};

/** The tool's path: found on this machine, else installed from Debian's package first. */
export async function ensureAptBinary(ctx: ToolContext, tool: AptBinary): Promise<string> {
  const found = findBinary(tool.names);
  if (found) return found;
  await ctx.step(`installing ${tool.label} (apt)`, () => aptInstall([tool.aptPackage], tool.why));
  const installed = findBinary(tool.names);
  if (!installed) throw new MissingToolError(`${tool.label} was installed but \`${tool.names[0]}\` is not on PATH`);
  return installed;
}
