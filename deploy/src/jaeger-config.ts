/**
 * Jaeger's config for containers, derived from observability/jaeger.yaml.
 *
 * The native config binds every listener to 127.0.0.1 (a test stack runs beside `npm start` on one
 * host). In a container that address is unreachable from the other containers and from the kubelet,
 * so each listener host becomes `${env:JAEGER_LISTEN_HOST:-127.0.0.1}`: the official Jaeger image
 * sets JAEGER_LISTEN_HOST=0.0.0.0 (Jaeger's own configs use the same variable), and without it the
 * file still binds loopback only. Nothing else changes: same pipelines, storage, ports, retention.
 * Once observability/jaeger.yaml uses the variable itself, this is the identity.
 */

// biome-ignore lint/suspicious/noTemplateCurlyInString: the OpenTelemetry collector's env syntax, not a JS template.
export const LISTEN_HOST = "${env:JAEGER_LISTEN_HOST:-127.0.0.1}";

/** `endpoint: 127.0.0.1:PORT` and `host: 127.0.0.1` values, wherever they are nested. */
const LOOPBACK_VALUE = /^(\s*(?:endpoint|host):\s*)(?:127\.0\.0\.1|localhost)(?=:|\s*$|\s+#)/gm;

export function containerJaegerConfig(native: string): string {
  return native.replace(LOOPBACK_VALUE, (_, key: string) => `${key}${LISTEN_HOST}`);
}

/**
 * What Jaeger would bind, with `${env:NAME:-default}` expanded from `env` (a subset of the
 * collector's confmap expansion, enough for these files): every `endpoint` and prometheus `host`.
 */
export function listenAddresses(config: string, env: Record<string, string>): string[] {
  const expanded = config.replace(
    /\$\{env:([A-Z0-9_]+)(?::-([^}]*))?\}/g,
    (_, name: string, fallback?: string) => env[name] ?? fallback ?? "",
  );
  return [...expanded.matchAll(/^\s*(?:endpoint|host):\s*(\S+)/gm)].map((m) => m[1] as string);
}
