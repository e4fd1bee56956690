import { setDefaultTimeout } from "bun:test";

// A kustomize build or a schema validation per test, slow on a loaded machine (bunfig.toml has no
// per-test timeout setting: Bun reads only `--timeout`).
setDefaultTimeout(120_000);
