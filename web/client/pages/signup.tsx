import { useState } from "preact/hooks";
import { Field } from "../components/field.tsx";
import { fieldErrors, Outcome } from "../components/outcome.tsx";
import type { ApiResult } from "../http.ts";
import { href, navigate } from "../router.ts";
import { api } from "../session.ts";

export function SignupPage() {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [result, setResult] = useState<ApiResult | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const r = await api("Sign up", "POST", "/users", { json: { name, email, password } });
    setBusy(false);
    setResult(r);
    if (r.ok) navigate(`${href.login}?email=${encodeURIComponent(email)}&created=1`);
  };

  const errors = fieldErrors(result);
  return (
    <>
      <h1 tabIndex={-1}>Sign up</h1>
      <form onSubmit={submit} noValidate>
        <Field
          id="name"
          label="Name shown on your postings"
          value={name}
          onInput={setName}
          error={errors.name}
          autoComplete="nickname"
          required
        />
        <Field id="email" label="Email" type="email" value={email} onInput={setEmail} error={errors.email} autoComplete="email" required />
        <Field
          id="password"
          label="Password"
          type="password"
          hint="At least 8 characters."
          value={password}
          onInput={setPassword}
          error={errors.password}
          autoComplete="new-password"
          required
        />
        <button type="submit" disabled={busy}>
          Create account
        </button>
      </form>
      <Outcome result={result} />
      <p>
        Already have an account? <a href={href.login}>Log in</a>.
      </p>
    </>
  );
}
