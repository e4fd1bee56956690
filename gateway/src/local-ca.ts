import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The native stack's HTTPS certificate: a local certificate authority made once, and a server
 * certificate it signs for the loopback names. Both live in one folder of the data directory and
 * are reused on later starts (trust the CA once, keep trusting it); the server certificate is
 * remade when it nears expiry or the names change. Made with the `openssl` CLI (ECDSA P-256).
 *
 *   ca.crt       the authority to trust (browsers, curl --cacert, the OS store)
 *   ca.key       its key (0600) — never leaves the folder
 *   server.crt   the certificate Envoy serves, then the CA (a full chain)
 *   server.key   its key (0600)
 */

export interface LocalCertificate {
  dir: string;
  caPath: string;
  certificateChainPath: string;
  privateKeyPath: string;
  /** True when this call made a new CA (the user has to trust it again). */
  createdCa: boolean;
}

export const LOCAL_HOSTS = ["localhost", "127.0.0.1", "::1"];

const CA_DAYS = 3650;
/** What browsers accept for a server certificate; remade a month before it runs out. */
const SERVER_DAYS = 397;
const RENEW_BEFORE_SECONDS = 30 * 24 * 3600;

const run = (openssl: string, args: string[], cwd: string): string => {
  const result = spawnSync(openssl, args, { cwd, encoding: "utf8" });
  if (result.error) throw new Error(`openssl could not run (${openssl}): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr.trim()}`);
  return result.stdout;
};

const ok = (openssl: string, args: string[], cwd: string): boolean => spawnSync(openssl, args, { cwd, encoding: "utf8" }).status === 0;

const subjectAltName = (hosts: string[]) => hosts.map((h) => (/^[\d.]+$/.test(h) || h.includes(":") ? `IP:${h}` : `DNS:${h}`)).join(",");

const makeCa = (openssl: string, dir: string) => {
  run(
    openssl,
    [
      "req",
      "-x509",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      String(CA_DAYS),
      "-subj",
      `/O=msa-board/CN=msa-board local CA ${new Date().toISOString().slice(0, 10)}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE,pathlen:0",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  chmodSync(join(dir, "ca.key"), 0o600);
};

const makeServer = (openssl: string, dir: string, hosts: string[]) => {
  run(
    openssl,
    [
      "req",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
      "-subj",
      `/O=msa-board/CN=${hosts[0]}`,
    ],
    dir,
  );
  chmodSync(join(dir, "server.key"), 0o600);
  writeFileSync(
    join(dir, "server.ext"),
    [
      `subjectAltName=${subjectAltName(hosts)}`,
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
  );
  run(
    openssl,
    [
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-set_serial",
      `0x${crypto.getRandomValues(new Uint8Array(16)).reduce((s, b) => s + b.toString(16).padStart(2, "0"), "")}`,
      "-days",
      String(SERVER_DAYS),
      "-extfile",
      "server.ext",
      "-out",
      "server.leaf.crt",
    ],
    dir,
  );
  // Envoy serves the whole chain; clients that trust the CA need nothing else.
  const chain = run(openssl, ["x509", "-in", "server.leaf.crt"], dir) + run(openssl, ["x509", "-in", "ca.crt"], dir);
  writeFileSync(join(dir, "server.crt"), chain);
  for (const f of ["server.csr", "server.ext", "server.leaf.crt"]) rmSync(join(dir, f), { force: true });
};

/** The server certificate is still good: signed by this CA, for these names, not about to expire. */
const serverStillGood = (openssl: string, dir: string, hosts: string[]): boolean => {
  if (!existsSync(join(dir, "server.crt")) || !existsSync(join(dir, "server.key"))) return false;
  if (!ok(openssl, ["verify", "-CAfile", "ca.crt", "server.crt"], dir)) return false;
  if (!ok(openssl, ["x509", "-in", "server.crt", "-noout", "-checkend", String(RENEW_BEFORE_SECONDS)], dir)) return false;
  const text = run(openssl, ["x509", "-in", "server.crt", "-noout", "-ext", "subjectAltName"], dir);
  return hosts.every((h) =>
    text.includes(/^[\d.]+$/.test(h) || h.includes(":") ? `IP Address:${h.replace(/^::1$/, "0:0:0:0:0:0:0:1")}` : `DNS:${h}`),
  );
};

/** Makes (first start) or reuses (later starts) the CA and the server certificate in `dir`. */
export const ensureLocalCertificate = (options: { dir: string; openssl: string; hosts?: string[] }): LocalCertificate => {
  const { dir, openssl } = options;
  const hosts = options.hosts ?? LOCAL_HOSTS;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  let createdCa = false;
  const caUsable =
    existsSync(join(dir, "ca.crt")) &&
    existsSync(join(dir, "ca.key")) &&
    ok(openssl, ["x509", "-in", "ca.crt", "-noout", "-checkend", String(RENEW_BEFORE_SECONDS)], dir);
  if (!caUsable) {
    makeCa(openssl, dir);
    createdCa = true;
  }
  if (createdCa || !serverStillGood(openssl, dir, hosts)) makeServer(openssl, dir, hosts);
  return {
    dir,
    caPath: join(dir, "ca.crt"),
    certificateChainPath: join(dir, "server.crt"),
    privateKeyPath: join(dir, "server.key"),
    createdCa,
  };
};

/** The `openssl` CLI: OPENSSL_BIN, else on PATH; missing fails loudly, naming the package. */
export const opensslBinary = (): string => {
  const found = process.env.OPENSSL_BIN || Bun.which("openssl") || Bun.which("openssl", { PATH: "/usr/bin:/usr/local/bin" });
  if (!found)
    throw new Error("openssl is required to make the gateway's TLS certificate: install it (apt-get install openssl) or run npm test");
  return found;
};
