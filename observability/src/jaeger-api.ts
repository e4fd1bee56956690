/**
 * The JSON that Jaeger's HTTP query API (`/api/...`, the one its UI uses) sends back. Times are
 * microseconds since the epoch, durations microseconds.
 */

export type JaegerTagValue = string | number | boolean;

export type JaegerKeyValue = {
  key: string;
  type?: "string" | "bool" | "int64" | "float64" | "binary";
  value: JaegerTagValue;
};

export type JaegerReference = {
  refType: "CHILD_OF" | "FOLLOWS_FROM";
  traceID: string;
  spanID: string;
};

export type JaegerLog = {
  timestamp: number;
  fields: JaegerKeyValue[];
};

export type JaegerSpan = {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: JaegerReference[] | null;
  startTime: number;
  duration: number;
  tags?: JaegerKeyValue[] | null;
  logs?: JaegerLog[] | null;
  processID: string;
  warnings?: string[] | null;
};

export type JaegerProcess = {
  serviceName: string;
  tags?: JaegerKeyValue[] | null;
};

export type JaegerTrace = {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings?: string[] | null;
};

export type JaegerError = { code: number; msg: string; traceID?: string };

/** Every endpoint wraps its answer this way; `errors` is set on 4xx/5xx. */
export type JaegerResponse<T> = {
  data: T | null;
  total?: number;
  limit?: number;
  offset?: number;
  errors?: JaegerError[] | null;
};
