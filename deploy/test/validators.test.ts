/**
 * The real tools say the files are valid: kustomize renders both overlays, every rendered object
 * passes the Kubernetes OpenAPI schemas (strict: unknown fields are errors) of the oldest and the
 * newest Kubernetes we support, and Docker's Compose accepts compose.yaml.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deployVersions, fromRoot } from "../src/facts.ts";
import { exec } from "./support/exec.ts";
import { composeConfig, kustomizeBuild, type Overlay, type Rendered } from "./support/render.ts";
import { COLD_INSTALL_MS, type DeployTools, deployTools } from "./support/tools.ts";

let tools: DeployTools;
beforeAll(async () => {
  tools = await deployTools();
}, COLD_INSTALL_MS);

const overlays: Overlay[] = ["dev", "prod", "monolith"];
const VALIDATE_TIMEOUT_MS = 60_000;
const kubernetesVersions = [deployVersions.kubernetes.oldest, deployVersions.kubernetes.newest];

/** One `kubernetes-validate --strict` run over a whole rendered overlay; one INFO line per object that passed. */
async function validate(rendered: Rendered, version: string) {
  const dir = mkdtempSync(join(tmpdir(), "msa-k8s-validate-"));
  try {
    const file = join(dir, "rendered.yaml");
    writeFileSync(file, rendered.yaml);
    const result = await exec([tools.kubernetesValidate, "--strict", "-k", version, file]);
    const lines = `${result.stdout}\n${result.stderr}`.split("\n").filter((l) => /^(INFO|WARN|ERROR) /.test(l));
    return {
      code: result.code,
      passed: lines.filter((l) => l.startsWith("INFO") && l.includes(" passed ")).length,
      problems: lines.filter((l) => !l.startsWith("INFO")).map((l) => l.replace(file, "rendered")),
      output: `${result.stdout}${result.stderr}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(overlays)("deploy/k8s/overlays/%s", (overlay) => {
  let rendered: Rendered;
  beforeAll(async () => {
    rendered = await kustomizeBuild(tools.kustomize, overlay);
  });

  test(`kustomize ${deployVersions.kustomize.version} renders it`, () => {
    expect(rendered.objects.length).toBeGreaterThan(20);
    for (const o of rendered.objects) expect(o.metadata.namespace ?? (o.kind === "Namespace" ? "msa-board" : undefined)).toBe("msa-board");
  });

  // kubernetes-validate loads the whole schema set per run: ~4 s idle, far more on a busy machine.
  test.each(kubernetesVersions)(
    "every object passes the Kubernetes %s schemas (strict)",
    async (version) => {
      const result = await validate(rendered, version);
      expect(result.problems).toEqual([]);
      expect(result.code).toBe(0);
      expect(result.passed).toBe(rendered.objects.length);
    },
    VALIDATE_TIMEOUT_MS,
  );

  test(
    "a broken manifest is caught (the validator really validates)",
    async () => {
      const broken = rendered.yaml.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesytem: true");
      const result = await validate({ ...rendered, yaml: broken }, deployVersions.kubernetes.newest);
      expect(result.code).not.toBe(0);
      expect(result.problems.join("\n")).toContain("'readOnlyRootFilesytem' was unexpected");
    },
    VALIDATE_TIMEOUT_MS,
  );
});

describe(`docker compose config (Compose ${deployVersions.compose.version})`, () => {
  test.each(["compose.yaml", "compose.monolith.yaml"])("accepts %s", async (file) => {
    const result = await exec([tools.compose, "--file", fromRoot(file), "--project-directory", fromRoot(), "config", "--quiet"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  test("rejects a broken compose file (the validator really validates)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "msa-compose-broken-"));
    try {
      const text = await Bun.file(fromRoot("compose.yaml")).text();
      writeFileSync(join(dir, "compose.yaml"), text.replace("condition: service_healthy", "condition: service_healty"));
      const result = await exec([
        tools.compose,
        "--file",
        join(dir, "compose.yaml"),
        "--project-directory",
        fromRoot(),
        "config",
        "--quiet",
      ]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("service_healthy");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("reads secrets and published ports from the environment / .env", async () => {
    const model = await composeConfig(tools.compose, {
      ADMIN_PASSWORD: "from-env-123",
      USERS_DB_PASSWORD: "pw-1",
      USERS_REDIS_PASSWORD: "redis-pw-1",
      GATEWAY_TLS_PORT: "18443",
      GATEWAY_BIND_ADDRESS: "0.0.0.0",
    });
    expect(model.services.users?.environment?.ADMIN_PASSWORD).toBe("from-env-123");
    expect(model.services.users?.environment?.DATABASE_URL).toBe("postgres://users:pw-1@postgres:5432/users");
    expect(model.services.users?.environment?.EVENTS_REDIS_URL).toBe("redis://users:redis-pw-1@redis-events:6379");
    expect(model.services["redis-events"]?.command).toContain(">redis-pw-1");
    expect(model.services.postgres?.environment?.USERS_DB_PASSWORD).toBe("pw-1");
    expect(model.services.gateway?.ports?.[0]?.published).toBe("18443");
    expect(model.services.gateway?.ports?.[0]?.host_ip).toBe("0.0.0.0");
  });
});
