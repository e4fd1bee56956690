/** Small helpers for writing Envoy's proto3-JSON by hand without typos. */

/** A `google.protobuf.Duration` in proto3 JSON: seconds with up to 3 decimals, e.g. "2.5s". */
export const duration = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`invalid duration: ${ms} ms`);
  return `${Number((ms / 1000).toFixed(3))}s`;
};

const TYPE_PREFIX = "type.googleapis.com/";

/** A `google.protobuf.Any`: the message fields plus its `@type`. */
export const typed = (type: string, message: Record<string, unknown> = {}): Record<string, unknown> => ({
  "@type": TYPE_PREFIX + type,
  ...message,
});

export const socketAddress = (address: string, port: number) => ({
  socket_address: { address, port_value: port },
});

/** A header to add, replacing any value already there (never append a second copy). */
export const setHeader = (key: string, value: string) => ({
  header: { key, value },
  append_action: "OVERWRITE_IF_EXISTS_OR_ADD",
});

/** A runtime-overridable percentage pinned to 100 %. */
export const always = (runtimeKey: string) => ({
  runtime_key: runtimeKey,
  default_value: { numerator: 100, denominator: "HUNDRED" },
});
