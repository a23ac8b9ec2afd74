/**
 * Who the reviewer's decisions are signed as. Signed in with a real principal (JWT or API key), it is the
 * principal's subject (the server signs with it anyway) and nobody is asked for a name. In development mode,
 * or against a server without authentication, the reviewer types a name (remembered in this browser); in
 * development mode it starts as the development principal's subject.
 */
import { useCallback, useState } from 'react';
import { useAuth } from '../auth/auth-context';

const KEY = 'agentcraft.reviewer';

export interface Reviewer {
  /** The name decisions are signed with ('' until one is typed). */
  name: string;
  /** True when the name is the signed-in principal's subject and cannot be changed here. */
  fromPrincipal: boolean;
  /** Changes the typed name (ignored when `fromPrincipal`). */
  setName: (name: string) => void;
}

/** The name typed in this browser before, or null when none ever was (so a default may apply). */
export function useReviewerName(): [string | null, (name: string) => void] {
  const [name, setName] = useState<string | null>(() => {
    try {
      return window.localStorage.getItem(KEY);
    } catch {
      return null;
    }
  });
  const update = useCallback((value: string) => {
    setName(value);
    try {
      window.localStorage.setItem(KEY, value);
    } catch {
      // Not persisted in private mode; the name still applies to this page.
    }
  }, []);
  return [name, update];
}

/** The reviewer of the review page: the principal's subject, or the typed name. */
export function useReviewer(): Reviewer {
  const { state } = useAuth();
  const [typed, setName] = useReviewerName();
  if (state.status === 'signed-in' && !state.me.developmentMode) return { name: state.me.principal.subject, fromPrincipal: true, setName };
  const fallback = state.status === 'signed-in' ? state.me.principal.subject : '';
  return { name: typed ?? fallback, fromPrincipal: false, setName };
}
