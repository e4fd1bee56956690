/** Test suites need real stores; a missing one fails the run, naming what to set. */
export function requireTestEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set. This suite runs against a real store: run \`npm test\` at the repository root ` +
        `(it starts a throw-away stack), or set ${name} yourself (see the service README).`,
    );
  }
  return value;
}
