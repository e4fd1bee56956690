// `bun test` here works with nothing else running: the real Envoy from ENVOY_BIN (as `npm test` sets it),
// else the one `npm start` caches (installed now if missing). The suites start their own Envoys.
import { setDefaultTimeout } from "bun:test";
import { provideTestStores } from "@msa-board/stack/test-stores";

// Suites here drive a real Envoy (health checks, timeouts, file flushes): tests get room (bunfig.toml has
// no per-test timeout setting: Bun reads only `--timeout`).
setDefaultTimeout(20_000);

await provideTestStores("gateway", ["envoy"]);
