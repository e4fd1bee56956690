// `bun test` here works with nothing else running: a real PostgreSQL and events Redis from
// TEST_DATABASE_URL / TEST_EVENTS_REDIS_URL (as `npm test` sets them), else throw-away ones for this run.
import { setDefaultTimeout } from "bun:test";
import { provideTestStores } from "@msa-board/stack/test-stores";

// The suites talk to real PostgreSQL and Redis: slow (shared, loaded) machines get room (bunfig.toml has
// no per-test timeout setting: Bun reads only `--timeout`).
setDefaultTimeout(30_000);

await provideTestStores("services/users", ["postgres", "events-redis"]);
