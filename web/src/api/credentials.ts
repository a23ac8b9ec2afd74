/**
 * The bearer credential (a JWT or an API key) the user pasted, kept in sessionStorage (gone when the tab
 * closes), and the "a request was refused with 401" signal the sign-in dialog listens to.
 */

const STORAGE_KEY = 'agentcraft.credential';
/** Used only where sessionStorage is blocked. */
let memoryCopy: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** The stored credential, or null. */
export function getCredential(): string | null {
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
