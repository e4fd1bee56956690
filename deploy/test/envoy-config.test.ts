/**
 * The exact envoy.yaml the gateway image and the Kubernetes ConfigMap carry, and the monolith shape's
 * envoy.monolith.yaml the same image carries, checked by the real Envoy (the release the images pin,
 * installed for `npm start`) in validate mode: a bootstrap that Envoy 1.40 would refuse never reaches a cluster.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureLocalCertificate } from "@msa-board/gateway/local-ca";
import { CONTAINER_TLS_DIR } from "@msa-board/gateway/options";
import { createToolContext, ensureEnvoy, ensureOpenssl } from "@msa-board/stack/tools";
import { fromRoot } from "../src/facts.ts";
import { exec } from "./support/exec.ts";

test.each([
  ["the container config", "deploy/k8s/base/gateway/envoy.yaml"],
  ["the monolith shape's container config", "gateway/envoy.monolith.yaml"],
])(
  "Envoy accepts %s, %s (envoy --mode validate)",
  async (_, file) => {
    const ctx = createToolContext();
    const envoy = await ensureEnvoy(ctx);
    // Validation loads the certificate: the Secret's mount point is pointed at a real one, nothing else changes.
    const dir = mkdtempSync(join(tmpdir(), "msa-envoy-validate-"));
    try {
      const certificate = ensureLocalCertificate({ dir: join(dir, "tls"), openssl: await ensureOpenssl(ctx) });
      const committed = readFileSync(fromRoot(...file.split("/")), "utf8");
      expect(committed).toContain(`${CONTAINER_TLS_DIR}/tls.crt`);
      const config = join(dir, "envoy.yaml");
      writeFileSync(
        config,
        committed
          .replaceAll(`${CONTAINER_TLS_DIR}/tls.crt`, certificate.certificateChainPath)
          .replaceAll(`${CONTAINER_TLS_DIR}/tls.key`, certificate.privateKeyPath),
      );
      const result = await exec([envoy, "--mode", "validate", "-c", config, "--log-level", "error"]);
      expect(result.stderr.trim()).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("OK");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  300_000,
);
