import { type FormEvent, useState } from "react";
import { lastSignOutReason, signIn } from "../app/session.js";

/** Checks a token against the API before keeping it, so a typo is caught here and not on every page. */
export function SignInPage() {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(lastSignOutReason());
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) return setError("Paste the token that `npm start` printed (it starts with lf_).");
    setBusy(true);
    setError(null);
    try {
      const response = await fetch("/api/companies", { headers: { authorization: `Bearer ${value}` } });
      if (response.status === 401) setError("That token was not accepted. Check it and try again.");
      else if (!response.ok) setError(`The server answered ${response.status}. Try again in a moment.`);
      else signIn(value);
    } catch {
      setError("Cannot reach the Ledgerflow server. Is it running?");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form className="card signin__card" onSubmit={submit} aria-labelledby="signin-title">
        <span className="brand brand--large">
          <span className="brand__mark" aria-hidden="true" />
          Ledgerflow
        </span>
        <h1 id="signin-title">Sign in</h1>
        <p className="muted">
          Use the API token printed by <code>npm start</code>, or one from your administrator.
        </p>
        <label className="field">
          <span>API token</span>
          <input
            name="token"
            type="password"
            autoComplete="current-password"
            placeholder="lf_…"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "signin-error" : undefined}
          />
        </label>
        {error && (
          <p id="signin-error" className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
