/**
 * The gateway variants of `npm run bench -- gateway-ablation`: the stack's own rendered Envoy config,
 * edited. Some take a part away (to find what it costs, never a candidate for the default), two
 * change only how Envoy runs (its worker threads), and one is a plain TCP relay: the cost of one loopback
 * hop through any proxy on this machine, the floor an HTTP proxy cannot go below.
 */

/** Envoy's bootstrap as JSON, with the parts the variants edit. */
export type EnvoyConfig = {
  admin: { address: { socket_address: { port_value: number } } };
  stats_config?: unknown;
  static_resources: {
    listeners: Array<{
      address: { socket_address: { port_value: number } };
      filter_chains: Array<{ filters: Array<{ name: string; typed_config: unknown }> }>;
    }>;
    clusters: Array<{ name: string; load_assignment?: { endpoints: unknown[] } } & Record<string, unknown>>;
  };
};
export type Hcm = { tracing?: unknown; access_log?: unknown; http_filters: Array<{ name: string }> } & Record<string, unknown>;

export type Variant = {
  name: string;
  /** Envoy's worker threads: the stack's own setting unless "per core" (Envoy's default: one per hardware thread). */
  workers?: "per core";
  /** Edits the copy of the config; the first listener's HTTP connection manager is `hcm`. */
  edit?: (config: EnvoyConfig, hcm: Hcm) => void;
};

const routerOnly = (h: Hcm) => {
  h.http_filters = h.http_filters.filter((f) => f.name.endsWith(".router"));
};
const stripAll = (h: Hcm) => {
  delete h.tracing;
  delete h.access_log;
  routerOnly(h);
};

/** The first listener proxies TCP to `cluster`: no HTTP parsing, routing, filters or spans. */
export const tcpRelay = (config: EnvoyConfig, cluster: string) => {
  const [listener] = config.static_resources.listeners;
  const [chain] = listener?.filter_chains ?? [];
  if (!chain) throw new Error("the gateway config has no filter chain");
  if (!config.static_resources.clusters.some((c) => c.name === cluster)) throw new Error(`no cluster ${cluster}`);
  chain.filters = [
    {
      name: "envoy.filters.network.tcp_proxy",
      typed_config: {
        "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
        stat_prefix: "relay",
        cluster,
      },
    },
  ];
};

/** Spans are made as configured, but the OTLP cluster has no endpoint: each export fails at once, locally. */
const noExport = (config: EnvoyConfig) => {
  const otlp = config.static_resources.clusters.find((c) => c.name === "otlp");
  if (!otlp?.load_assignment) throw new Error("the gateway config has no otlp cluster");
  otlp.load_assignment.endpoints = [];
};

/**
 * Envoy as the plainest HTTP proxy it can be: one catch-all route to postings, the router filter
 * only, no span, log, retries, timeouts, health checks, outlier detection, circuit breakers, path
 * normalization or response headers of ours. What is left is Envoy's own HTTP/1 work per request.
 */
const bareHttp = (config: EnvoyConfig, hcm: Hcm) => {
  stripAll(hcm);
  for (const key of [
    "normalize_path",
    "merge_slashes",
    "use_remote_address",
    "internal_address_config",
    "local_reply_config",
    "request_headers_timeout",
  ])
    delete hcm[key];
  hcm.route_config = {
    name: "bare",
    virtual_hosts: [{ name: "bare", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "postings", timeout: "0s" } }] }],
  };
  const postings = config.static_resources.clusters.find((c) => c.name === "postings");
  if (!postings) throw new Error("the gateway config has no postings cluster");
  for (const key of ["health_checks", "outlier_detection", "circuit_breakers", "common_lb_config"]) delete postings[key];
  postings.lb_policy = "ROUND_ROBIN";
};

export const VARIANTS: Variant[] = [
  { name: "as configured" },
  // How Envoy runs, not what it does: its own default of one worker thread per core. Each sits next
  // to its counterpart, so the rounds' alternating order keeps the two back to back.
  { name: "worker per core: as configured", workers: "per core" },
  { name: "without tracing", edit: (_c, h) => void delete h.tracing },
  { name: "without the access log", edit: (_c, h) => void delete h.access_log },
  { name: "router filter only", edit: (_c, h) => routerOnly(h) },
  { name: "all three removed", edit: (_c, h) => stripAll(h) },
  { name: "worker per core: all three removed", workers: "per core", edit: (_c, h) => stripAll(h) },
  // Diagnostic: the spans' cost without sending them (not a candidate: Jaeger would get nothing).
  { name: "spans not exported (diagnostic)", edit: (c) => noExport(c) },
  // Diagnostic: no stats at all (the admin /stats would be empty; not a candidate).
  {
    name: "no stats (diagnostic)",
    edit: (c) => {
      c.stats_config = { stats_matcher: { reject_all: true } };
    },
  },
  { name: "bare HTTP proxy (diagnostic)", edit: bareHttp },
  { name: "TCP relay", edit: (c) => tcpRelay(c, "postings") },
];

/** `--variants a,b` (names, or unique prefixes) → those variants, in the table's order. */
export function pickVariants(list: string | undefined): Variant[] {
  if (!list) return VARIANTS;
  return list.split(",").map((wanted) => {
    const w = wanted.trim();
    const exact = VARIANTS.find((v) => v.name === w);
    const found = exact ? [exact] : VARIANTS.filter((v) => v.name.startsWith(w));
    if (found.length !== 1)
      throw new Error(`--variants: "${w}" names ${found.length} variants; one of: ${VARIANTS.map((v) => v.name).join("; ")}`);
    return found[0] as Variant;
  });
}
