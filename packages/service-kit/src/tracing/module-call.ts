import { type Context, context, createContextKey } from "@opentelemetry/api";

/**
 * Marks a request that a host process hands to one of its modules in-process (the monolith shape).
 * `createContextKey` is `Symbol.for`, so any copy of the API package — and notices, which has its own
 * tracing middleware — sees the same key.
 */
export const MODULE_CALL_KEY = createContextKey("msa-board.module-call");

/** Runs `call` as a module call of `module`: the module's request middleware opens an internal span, not a server span. */
export function asModuleCall<T>(module: string, call: () => T): T {
  return context.with(context.active().setValue(MODULE_CALL_KEY, module), call);
}

/** The module an in-process host is calling, or undefined when the request came over the network. */
export function moduleCallOf(ctx: Context = context.active()): string | undefined {
  const value = ctx.getValue(MODULE_CALL_KEY);
  return typeof value === "string" ? value : undefined;
}
