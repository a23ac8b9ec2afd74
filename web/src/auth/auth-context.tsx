/**
 * Who the user is: asks `GET /api/auth/me` at start, opens the sign-in dialog when any request gets 401,
 * stores a pasted credential (sessionStorage) and forgets it on sign-out. A server without `/api/auth/me`
 * (404) is treated as having no authentication: every page shows, as before auth existed.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { authApi } from '../api/admin-client';
import type { AuthMeResponse } from '../api/auth-types';
import { getCredential, onUnauthorized, setCredential } from '../api/credentials';
import { ApiError } from '../api/http';
import { rolesAllow, type Area } from './access';

export type AuthState =
  | { status: 'loading' }
  | { status: 'signed-in'; me: AuthMeResponse }
  | { status: 'signed-out' }
  | { status: 'unavailable' }
  | { status: 'error'; message: string };

export interface AuthContextValue {
  state: AuthState;
  /** Whether a credential is stored in this tab. */
  hasCredential: boolean;
  dialogOpen: boolean;
  openSignIn: () => void;
  closeSignIn: () => void;
  /** Stores the credential and checks it; resolves to an error message, or null when it worked. */
  signIn: (credential: string) => Promise<string | null>;
  signOut: () => void;
  /** Bumped on every sign-in and sign-out so pages reload with the new credential. */
  generation: number;
  can: (area: Area) => boolean;
}

const AuthContext = createContext<AuthContextValue | null>(null);

async function loadMe(): Promise<AuthState> {
  try {
    return { status: 'signed-in', me: await authApi.me() };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return { status: 'signed-out' };
    if (error instanceof ApiError && error.notAvailable) return { status: 'unavailable' };
    return { status: 'error', message: error instanceof Error ? error.message : 'Could not check who you are' };
  }
}

export function AuthProvider({ children }: { children: ReactNode }): ReactNode {
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const [dialogOpen, setDialogOpen] = useState(false);
  const [generation, setGeneration] = useState(0);
  const [hasCredential, setHasCredential] = useState(() => getCredential() !== null);

  useEffect(() => onUnauthorized(() => setDialogOpen(true)), []);
  useEffect(() => {
    let cancelled = false;
    void loadMe().then((next) => {
      if (!cancelled) setState(next);
    });
    return () => {
      cancelled = true;
    };
  }, [generation]);

  const signIn = useCallback(async (credential: string): Promise<string | null> => {
    const previous = getCredential();
    setCredential(credential.trim());
    const next = await loadMe();
    if (next.status !== 'signed-in') {
      setCredential(previous);
      return next.status === 'signed-out' ? 'The server did not accept this credential.' : next.status === 'error' ? next.message : 'This server has no sign-in.';
    }
    setHasCredential(true);
    setDialogOpen(false);
    setGeneration((value) => value + 1);
    return null;
  }, []);

  const signOut = useCallback(() => {
    setCredential(null);
    setHasCredential(false);
    setState({ status: 'loading' });
    setGeneration((value) => value + 1);
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      hasCredential,
      dialogOpen,
      openSignIn: () => setDialogOpen(true),
      closeSignIn: () => setDialogOpen(false),
      signIn,
      signOut,
      generation,
      can: (area) => (state.status === 'signed-in' ? rolesAllow(state.me.principal.roles, area) : state.status === 'unavailable' || state.status === 'error'),
    }),
    [state, hasCredential, dialogOpen, signIn, signOut, generation],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The auth state; outside an `AuthProvider` (a page rendered alone in a test) everything is allowed. */
export function useAuth(): AuthContextValue {
  return useContext(AuthContext) ?? standalone;
}

const standalone: AuthContextValue = {
  state: { status: 'unavailable' },
  hasCredential: false,
  dialogOpen: false,
  openSignIn: () => undefined,
  closeSignIn: () => undefined,
  signIn: () => Promise.resolve('No sign-in here.'),
  signOut: () => undefined,
  generation: 0,
  can: () => true,
};
