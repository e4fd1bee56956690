import { aptInstall } from "./apt.ts";
import { MissingToolError, type ToolContext } from "./context.ts";

const findOpenssl = (): string | null => Bun.which("openssl") ?? Bun.which("openssl", { PATH: "/usr/bin:/usr/local/bin" });

/** The openssl CLI, which makes the gateway's local CA and certificate; from Debian's package when missing. */
export async function ensureOpenssl(ctx: ToolContext): Promise<string> {
  const found = findOpenssl();
  if (found) return found;
  await ctx.step("installing OpenSSL (apt)", () => aptInstall([ctx.versions.apt.openssl], "OpenSSL"));
  const installed = findOpenssl();
  if (!installed) throw new MissingToolError("OpenSSL was installed but openssl is not on PATH");
  return installed;
}
