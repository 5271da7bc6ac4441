import { useSyncExternalStore } from "react";

// The bearer token lives in localStorage so a reload keeps the user signed in.
const TOKEN_KEY = "ledgerflow.token";
const listeners = new Set<() => void>();
let signOutReason: string | null = null;

export function getToken(): string | null {
  return window.localStorage.getItem(TOKEN_KEY);
}

export function signIn(token: string): void {
  window.localStorage.setItem(TOKEN_KEY, token);
  signOutReason = null;
  for (const l of listeners) l();
}

/** Signs out; `reason` is shown on the sign-in page (e.g. the token was revoked). */
export function signOut(reason: string | null = null): void {
  window.localStorage.removeItem(TOKEN_KEY);
  signOutReason = reason;
  for (const l of listeners) l();
}

export function lastSignOutReason(): string | null {
  return signOutReason;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab signing in or out changes this tab too.
  window.addEventListener("storage", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", listener);
  };
}

export function useToken(): string | null {
  return useSyncExternalStore(subscribe, getToken, () => null);
}
