import { ensureAptBinary } from "./apt.ts";
import type { ToolContext } from "./context.ts";

/** The openssl CLI, which makes the gateway's local CA and certificate; from Debian's package when missing. */
export const ensureOpenssl = (ctx: ToolContext): Promise<string> =>
  ensureAptBinary(ctx, { names: ["openssl"], aptPackage: ctx.versions.apt.openssl, label: "OpenSSL", why: "OpenSSL" });
