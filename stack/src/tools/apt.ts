import { MissingToolError } from "./context.ts";
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
