/**
 * Test suites need real stores; a missing one fails the run, naming what to set. Normally the
 * part's test preload (bunfig.toml) has set it already; this catches a run that skipped it.
 */
export function requireTestEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set. This suite runs against a real store: run \`bun test\` in the part's own folder ` +
        `(its preload starts a throw-away one), \`npm test\` at the repository root, or set ${name} yourself (see the service README).`,
    );
  }
  return value;
}
