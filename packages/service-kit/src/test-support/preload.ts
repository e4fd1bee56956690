// `bun test` here works with nothing else running: a real PostgreSQL (for the SQL span tests) and
// Redis (for the events client) from TEST_DATABASE_URL / TEST_EVENTS_REDIS_URL (as `npm test` sets
// them), else throw-away ones for this run.
import { provideTestStores } from "@msa-board/stack/test-stores";

await provideTestStores("packages/service-kit", ["postgres", "events-redis"]);
