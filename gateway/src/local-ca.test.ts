import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureLocalCertificate, opensslBinary } from "./local-ca.ts";

// The native stack's certificate: made on first start, reused afterwards, remade when it no longer fits.

let dir: string;
const openssl = opensslBinary();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gateway-ca-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const text = (args: string[]) => spawnSync(openssl, args, { encoding: "utf8" }).stdout;

describe("ensureLocalCertificate", () => {
  test("first start: a CA and a server certificate for localhost, 127.0.0.1 and ::1 that verifies against it", async () => {
    const made = ensureLocalCertificate({ dir: join(dir, "tls"), openssl });
    expect(made.createdCa).toBe(true);
    const san = text(["x509", "-in", made.certificateChainPath, "-noout", "-ext", "subjectAltName"]);
    expect(san).toContain("DNS:localhost");
    expect(san).toContain("IP Address:127.0.0.1");
    expect(san).toContain("IP Address:0:0:0:0:0:0:0:1");
    expect(spawnSync(openssl, ["verify", "-CAfile", made.caPath, made.certificateChainPath]).status).toBe(0);
    expect(text(["x509", "-in", made.caPath, "-noout", "-ext", "basicConstraints"])).toContain("CA:TRUE");
  });

  test("keys are readable by their owner only, in a folder only the owner can enter", async () => {
    for (const key of ["ca.key", "server.key"]) expect((await stat(join(dir, "tls", key))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "tls"))).mode & 0o777).toBe(0o700);
  });

  test("later starts reuse both: the CA the user trusted stays the same", async () => {
    const before = await Promise.all(["ca.crt", "server.crt"].map((f) => readFile(join(dir, "tls", f), "utf8")));
    const again = ensureLocalCertificate({ dir: join(dir, "tls"), openssl });
    expect(again.createdCa).toBe(false);
    const after = await Promise.all(["ca.crt", "server.crt"].map((f) => readFile(join(dir, "tls", f), "utf8")));
    expect(after).toEqual(before);
  });

  test("new names: the server certificate is remade by the same CA", async () => {
    const ca = await readFile(join(dir, "tls", "ca.crt"), "utf8");
    const server = await readFile(join(dir, "tls", "server.crt"), "utf8");
    const made = ensureLocalCertificate({ dir: join(dir, "tls"), openssl, hosts: ["localhost", "127.0.0.1", "::1", "board.test"] });
    expect(made.createdCa).toBe(false);
    expect(await readFile(made.caPath, "utf8")).toBe(ca);
    expect(await readFile(made.certificateChainPath, "utf8")).not.toBe(server);
    expect(text(["x509", "-in", made.certificateChainPath, "-noout", "-ext", "subjectAltName"])).toContain("DNS:board.test");
  });
});
