/**
 * Login cost (argon2id): N sequential logins against the app in-process, on a real database.
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55499/postgres bun run scripts/login-bench.ts [N]
 * Also times wrong-password and unknown-email logins (they should cost the same).
 */
import { createHarness } from "../src/test-support/harness.ts";

const n = Number(process.argv[2] ?? 50);
const h = await createHarness({ prefix: "users_bench" });
try {
  const user = await h.signUp();
  const time = async (email: string, password: string, expected: number) => {
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      const res = await h.call("POST", "/login", { json: { email, password } });
      samples.push(performance.now() - started);
      if (res.status !== expected) throw new Error(`unexpected ${res.status}`);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.max(0, Math.ceil(q * samples.length) - 1))] ?? 0;
    return { median: at(0.5).toFixed(1), p99: at(0.99).toFixed(1), min: at(0).toFixed(1), max: at(1).toFixed(1) };
  };
  await time(user.email, user.password, 200); // warm-up
  console.log(`argon2id m=19456 KiB, t=2, p=1 — ${n} logins each, ms`);
  console.table({
    "correct password (200)": await time(user.email, user.password, 200),
    "wrong password (401)": await time(user.email, "wrong-password", 401),
    "unknown email (401)": await time("nobody@example.com", "wrong-password", 401),
  });
} finally {
  await h.close();
}
