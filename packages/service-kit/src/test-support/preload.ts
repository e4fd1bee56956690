// `bun test` here works with nothing else running: a real PostgreSQL (for the SQL span tests) from
// TEST_DATABASE_URL (as `npm test` sets it), else a throw-away one for this run.
import { setDefaultTimeout } from "bun:test";
import { provideTestStores } from "@msa-board/stack/test-stores";

// The suites talk to a real PostgreSQL: slow (shared, loaded) machines get room (bunfig.toml has
// no per-test timeout setting: Bun reads only `--timeout`).
setDefaultTimeout(30_000);

await provideTestStores("packages/service-kit", ["postgres"]);
