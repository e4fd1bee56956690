import { setDefaultTimeout } from "bun:test";

// Suites here start real PostgreSQL servers and whole test runs (bunfig.toml has no per-test timeout
// setting: Bun reads only `--timeout`).
setDefaultTimeout(60_000);
