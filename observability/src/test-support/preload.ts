// `bun test` here works with nothing else running: the real Jaeger from JAEGER_BIN (as `npm test` sets it),
// else the one `npm start` caches (built now if missing). The suites start their own Jaegers.
import { setDefaultTimeout } from "bun:test";
import { provideTestStores } from "@msa-board/stack/test-stores";

// The integration suites start a real Jaeger and wait for spans to land (bunfig.toml has
// no per-test timeout setting: Bun reads only `--timeout`).
setDefaultTimeout(60_000);

await provideTestStores("observability", ["jaeger"]);
