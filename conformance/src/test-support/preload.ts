// `bun test` here works with nothing else running: a real PostgreSQL and Redis from TEST_DATABASE_URL /
// TEST_REDIS_URL (as `npm test` sets them), else throw-away ones for this run. The x-trace-id rule also
// needs a running stack's gateway (MSA_STACK_FILE): `npm test -- --only conformance` provides one.
import { provideTestStores } from "@msa-board/stack/test-stores";

await provideTestStores("conformance", ["postgres", "redis", "events-redis"]);
