import { useState } from "preact/hooks";
import { Field } from "../components/field.tsx";
import { fieldErrors, Outcome } from "../components/outcome.tsx";
import type { ApiResult } from "../http.ts";
import { href, navigate } from "../router.ts";
import { logIn } from "../session.ts";

/** `#/login?email=…&created=1` after a sign-up. */
const params = () => new URLSearchParams(window.location.hash.split("?")[1] ?? "");

export function LoginPage() {
  const [email, setEmail] = useState(() => params().get("email") ?? "");
  const [password, setPassword] = useState("");
  const [result, setResult] = useState<ApiResult | null>(null);
  const [busy, setBusy] = useState(false);
  const justCreated = params().get("created") === "1";

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const r = await logIn(email, password);
    setBusy(false);
    setResult(r);
    if (r.ok) navigate(href.board);
  };

  const errors = fieldErrors(result);
  return (
    <>
      <h1 tabIndex={-1}>Log in</h1>
      {justCreated && <p role="status">Your account is ready: log in with it.</p>}
      <form onSubmit={submit} noValidate>
        <Field
          id="email"
          label="Email"
          type="email"
          value={email}
          onInput={setEmail}
          error={errors.email}
          autoComplete="username"
          required
        />
        <Field
          id="password"
          label="Password"
          type="password"
          value={password}
          onInput={setPassword}
          error={errors.password}
          autoComplete="current-password"
          required
        />
        <button type="submit" disabled={busy}>
          Log in
        </button>
      </form>
      <Outcome result={result} />
      <p>
        New here? <a href={href.signup}>Sign up</a>.
      </p>
    </>
  );
}
