/**
 * The bearer credential (a JWT or an API key) the user pasted, kept in sessionStorage (gone when the tab
 * closes), and the "a request was refused with 401" signal the sign-in dialog listens to. The widget
 * installs a `CredentialProvider` instead (a token the integrator's backend mints), which can fetch a fresh
 * token before the first request and after a 401.
 */

const STORAGE_KEY = 'agentcraft.credential';
/** Used only where sessionStorage is blocked. */
let memoryCopy: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** Where the widget's token comes from: the token it holds now, and how to get a fresh one. */
export interface CredentialProvider {
  /** The token to send now, or null when none was fetched yet. */
  current: () => string | null;
  /** Fetches a fresh token; resolves to null when there is none to be had (the caller gives up). */
  refresh: () => Promise<string | null>;
}

let provider: CredentialProvider | null = null;
let refreshing: Promise<string | null> | null = null;

/** Installs (or, with null, removes) the provider that replaces the stored credential. */
export function setCredentialProvider(next: CredentialProvider | null): void {
  provider = next;
  refreshing = null;
}

/**
 * Asks the provider for a fresh token; concurrent callers (several requests refused at once) share one
 * fetch. Resolves to whether there is a new token worth retrying with.
 */
export async function refreshCredential(): Promise<boolean> {
  const source = provider;
  if (source === null) return false;
  const previous = source.current();
  refreshing ??= source.refresh().finally(() => {
    refreshing = null;
  });
  const token = await refreshing;
  return token !== null && token !== previous;
}

/** Before a request: a provider with no token yet fetches its first one (no-op otherwise). */
export async function ensureCredential(): Promise<void> {
  if (provider === null || provider.current() !== null) return;
  await refreshCredential();
}

/** Whether `ensureCredential` has to fetch before anything can be sent. */
export function credentialPending(): boolean {
  return provider !== null && provider.current() === null;
}

/** The credential to send (the provider's token, or the stored one), or null. */
export function getCredential(): string | null {
  if (provider !== null) return provider.current();
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return memoryCopy;
  }
}

/** Stores (or, with null, forgets) the credential. */
export function setCredential(value: string | null): void {
  memoryCopy = value;
  try {
    if (value === null) window.sessionStorage.removeItem(STORAGE_KEY);
    else window.sessionStorage.setItem(STORAGE_KEY, value);
  } catch {
    // Storage blocked: the credential lasts as long as the page.
  }
}

/** `{ authorization: 'Bearer …' }` when a credential is stored. */
export function authorizationHeaders(): Record<string, string> {
  const credential = getCredential();
  return credential === null ? {} : { authorization: `Bearer ${credential}` };
}

/** Called by the HTTP layer whenever the API answers 401. */
export function reportUnauthorized(): void {
  for (const listener of unauthorizedListeners) listener();
}

/** Subscribes to 401s; returns the unsubscribe function. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}
