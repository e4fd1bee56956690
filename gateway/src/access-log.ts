import type { GatewayOptions } from "./options.ts";
import { typed } from "./proto.ts";

/**
 * One JSON object per request, in the same spirit as the services' logs (`time`, `traceId`), so
 * a trace id from a response finds the gateway line and the service lines alike.
 * Deliberately absent: the Authorization header, cookies, the query string and bodies.
 */
export const ACCESS_LOG_FORMAT = {
  time: "%START_TIME(%Y-%m-%dT%H:%M:%E3SZ)%",
  service: "gateway",
  traceId: "%TRACE_ID%",
  requestId: "%REQ(X-REQUEST-ID)%",
  client: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%",
  method: "%REQ(:METHOD)%",
  // The path without its query string: query values may carry things that should not be logged.
  path: "%PATH(NQ)%",
  protocol: "%PROTOCOL%",
  route: "%ROUTE_NAME%",
  upstreamCluster: "%UPSTREAM_CLUSTER%",
  upstreamHost: "%UPSTREAM_HOST%",
  status: "%RESPONSE_CODE%",
  responseFlags: "%RESPONSE_FLAGS%",
  responseDetails: "%RESPONSE_CODE_DETAILS%",
  durationMs: "%DURATION%",
  // Until the first response byte from the service: the gap to durationMs is the client side.
  responseDurationMs: "%RESPONSE_DURATION%",
  bytesReceived: "%BYTES_RECEIVED%",
  bytesSent: "%BYTES_SENT%",
  userAgent: "%REQ(USER-AGENT)%",
};

export const accessLog = ({ accessLog: target }: GatewayOptions) => {
  const log_format = { json_format: ACCESS_LOG_FORMAT };
  return [
    target === "stdout"
      ? {
          name: "envoy.access_loggers.stdout",
          typed_config: typed("envoy.extensions.access_loggers.stream.v3.StdoutAccessLog", { log_format }),
        }
      : {
          name: "envoy.access_loggers.file",
          typed_config: typed("envoy.extensions.access_loggers.file.v3.FileAccessLog", {
            path: target.path,
            log_format,
          }),
        },
  ];
};
