import type { TlsListener } from "./options.ts";
import { typed } from "./proto.ts";

/**
 * The HTTPS door's transport socket: TLS 1.2 or newer with Envoy's default (modern,
 * forward-secret) cipher suites; ALPN offers HTTP/2 and HTTP/1.1. The certificate chain and key
 * are PEM files read once at start (the native stack's local CA, or a mounted Secret).
 */
export const downstreamTls = (tls: TlsListener) => ({
  name: "envoy.transport_sockets.tls",
  typed_config: typed("envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext", {
    common_tls_context: {
      tls_params: { tls_minimum_protocol_version: "TLSv1_2" },
      tls_certificates: [{ certificate_chain: { filename: tls.certificateChainPath }, private_key: { filename: tls.privateKeyPath } }],
      alpn_protocols: ["h2", "http/1.1"],
    },
  }),
});
