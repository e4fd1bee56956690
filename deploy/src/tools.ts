import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { findGo, MissingToolError, run, runs, type ToolContext } from "@msa-board/stack/tools";
import deployVersionsFile from "../versions.json";

/**
 * The real validators of deploy/ (compose.yaml, deploy/k8s), installed on first use and cached per
 * version like every other tool: kustomize and Docker's Compose CLI built with Go from the module
 * proxy, kubernetes-validate (Kubernetes' OpenAPI schemas, bundled) from PyPI in a venv.
 * Versions are pinned in deploy/versions.json.
 */

export type DeployVersions = typeof deployVersionsFile;

export type DeployToolOptions = {
  versions?: DeployVersions;
  /** Finds the `go` binary; replaceable so tests can pretend Go is missing. */
  findGo?: () => string | null;
  /** Finds `python3`; replaceable so tests can pretend it is missing. */
  findPython?: () => string | null;
};

const goMissing = (what: string) =>
  [
    `Go is needed once, to build ${what} from the Go module proxy. Install it, then run again:`,
    "  curl -fsSLO https://go.dev/dl/go1.26.8.linux-amd64.tar.gz && sudo tar -C /usr/local -xzf go1.26.8.linux-amd64.tar.gz",
    "  export PATH=/usr/local/go/bin:$PATH",
    "(or `sudo apt-get install -y golang-go`).",
  ].join("\n");

/** `kustomize`, built with `go install sigs.k8s.io/kustomize/kustomize/v5@<version>`. */
export async function ensureKustomize(ctx: ToolContext, options: DeployToolOptions = {}): Promise<string> {
  const { module, version } = (options.versions ?? deployVersionsFile).kustomize;
  const dir = join(ctx.cacheDir, "kustomize", version);
  const binary = join(dir, "kustomize");
  if (existsSync(binary) && (await runs(binary, ["version"]))) return binary;
  const go = (options.findGo ?? findGo)();
  if (!go) throw new MissingToolError(goMissing(`kustomize ${version}`));
  return ctx.step(`building kustomize ${version} with Go (first time only, about a minute)`, async () => {
    // go install names the binary after the package; a per-process folder, renamed at the end,
    // so two first runs at once never see a half-written binary.
    const staging = join(dir, `gobin-${process.pid}`);
    try {
      mkdirSync(staging, { recursive: true });
      const built = await run([go, "install", "-trimpath", "-ldflags=-s -w", `${module}@${version}`], {
        env: { GOBIN: staging, CGO_ENABLED: "0" },
        logFile: join(dir, "build.log"),
      });
      if (built.code !== 0) throw new MissingToolError(`go install ${module}@${version} failed:\n${lastLines(built.stderr)}`);
      renameSync(join(staging, "kustomize"), binary);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    if (!(await runs(binary, ["version"]))) throw new MissingToolError(`kustomize was built but ${binary} does not run`);
    return binary;
  });
}

/**
 * Docker's Compose CLI (`docker-compose`, the same code as the `docker compose` plugin), built from
 * the module proxy. Its go.mod has `exclude` directives, so `go install module@version` is refused:
 * we download the module and build its main package in place (the module cache copy is complete
 * and read-only, which `go build -o elsewhere` is fine with). It parses and validates compose files
 * without a container engine.
 */
export async function ensureComposeCli(ctx: ToolContext, options: DeployToolOptions = {}): Promise<string> {
  const { module, version, package: mainPackage } = (options.versions ?? deployVersionsFile).compose;
  const dir = join(ctx.cacheDir, "docker-compose", version);
  const binary = join(dir, "docker-compose");
  if (existsSync(binary) && (await runs(binary, ["version"]))) return binary;
  const go = (options.findGo ?? findGo)();
  if (!go) throw new MissingToolError(goMissing(`Docker Compose ${version}`));
  mkdirSync(dir, { recursive: true });
  const source = await ctx.step(`downloading Docker Compose ${version} source (go mod download)`, async () => {
    const result = await run([go, "mod", "download", "-json", `${module}@${version}`]);
    let info: { Dir?: string; Error?: string } = {};
    try {
      info = JSON.parse(result.stdout);
    } catch {}
    if (result.code !== 0 || !info.Dir)
      throw new MissingToolError(`go could not download ${module}@${version}: ${info.Error ?? result.stderr.trim()}`);
    return info.Dir;
  });
  return ctx.step(`building Docker Compose ${version} with Go (first time only, a few minutes)`, async () => {
    const output = join(dir, `docker-compose.${process.pid}.tmp`);
    try {
      const ldflags = `-s -w -X ${module}/internal.Version=${version}`;
      const built = await run([go, "build", "-trimpath", `-ldflags=${ldflags}`, "-o", output, mainPackage], {
        cwd: source,
        env: { CGO_ENABLED: "0" },
        logFile: join(dir, "build.log"),
      });
      if (built.code !== 0) throw new MissingToolError(`go build of ${module}@${version} failed:\n${lastLines(built.stderr)}`);
      renameSync(output, binary);
    } finally {
      rmSync(output, { force: true });
    }
    if (!(await runs(binary, ["version"]))) throw new MissingToolError(`Docker Compose was built but ${binary} does not run`);
    return binary;
  });
}

/** `kubernetes-validate` (PyPI; bundles the Kubernetes JSON schemas, so it validates offline) in a venv. */
export async function ensureKubernetesValidate(ctx: ToolContext, options: DeployToolOptions = {}): Promise<string> {
  const { version, requirements } = (options.versions ?? deployVersionsFile).kubernetesValidate;
  const venv = join(ctx.cacheDir, "kubernetes-validate", version, "venv");
  const binary = join(venv, "bin", "kubernetes-validate");
  if (existsSync(binary) && (await runs(binary, ["--version"]))) return binary;
  const python = (options.findPython ?? (() => Bun.which("python3")))();
  if (!python) {
    throw new MissingToolError(
      "python3 is missing (needed to install kubernetes-validate from PyPI). Install it with: sudo apt-get install -y python3 python3-venv",
    );
  }
  return ctx.step(`installing kubernetes-validate ${version} (PyPI)`, async () => {
    rmSync(venv, { recursive: true, force: true });
    mkdirSync(join(venv, ".."), { recursive: true });
    const created = await run([python, "-m", "venv", venv]);
    if (created.code !== 0)
      throw new MissingToolError(
        `python3 could not create a venv:\n${created.stderr}\nInstall it with: sudo apt-get install -y python3-venv`,
      );
    const pip = await run([join(venv, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check", ...requirements]);
    if (pip.code !== 0) throw new MissingToolError(`pip could not install ${requirements.join(" ")}:\n${pip.stderr}`);
    if (!(await runs(binary, ["--version"]))) throw new MissingToolError(`kubernetes-validate installed but ${binary} does not run`);
    return binary;
  });
}

function lastLines(text: string, lines = 30): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
