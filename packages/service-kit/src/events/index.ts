export { type BackoffOptions, backoffDelay } from "./backoff.ts";
export { DeadlineError, withDeadline } from "./deadline.ts";
export { describeIssues, type Envelope, type ParsedEnvelope, parseEnvelope, serializeEnvelope } from "./envelope.ts";
export { closeEventsRedis, createEventsRedis, type EventsRedis, type EventsRedisOptions, pingEventsRedis, whenReady } from "./redis.ts";
export { errorMessage, type LoopState, type LoopStatus, RetryLoop, type RetryLoopOptions, type StepResult } from "./retry-loop.ts";
export { Sleeper } from "./sleeper.ts";
export { compareStreamIds, entriesOfReadReply, type StreamEntry } from "./stream-entries.ts";
