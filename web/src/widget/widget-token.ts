/**
 * How the widget authenticates: with `data-token` (a short-lived customer JWT the integrator's backend put
 * in the page) and/or `data-token-url` (the integrator's endpoint that answers `{ "token": "…" }` for the
 * visitor's session, fetched with cookies before the first request and again after a 401).
 */
// zod/mini: the tree-shakable form, so the one-file widget stays small.
import * as z from 'zod/mini';
import type { CredentialProvider } from '../api/credentials';
import type { WidgetOptions } from './widget-options';

const TokenResponseSchema = z.object({ token: z.string().check(z.minLength(1), z.maxLength(8192)) });

/** Fetches `{ token }` from the integrator's endpoint; null when it fails or answers something else. */
export async function fetchWidgetToken(tokenUrl: string): Promise<string | null> {
  try {
    const response = await fetch(tokenUrl, { credentials: 'include', headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) return null;
    const parsed = TokenResponseSchema.safeParse(await response.json());
    return parsed.success ? parsed.data.token : null;
  } catch {
    return null;
  }
}

/** The credential provider for the widget's options, or null when the page gives no token (no auth). */
export function widgetCredentialProvider(options: Pick<WidgetOptions, 'token' | 'tokenUrl'>): CredentialProvider | null {
  const { tokenUrl } = options;
  if (options.token === undefined && tokenUrl === undefined) return null;
  let token: string | null = options.token ?? null;
  return {
    current: () => token,
    refresh: async () => {
      // A fixed token cannot be renewed: the request fails and says why.
      if (tokenUrl === undefined) return null;
      const fresh = await fetchWidgetToken(tokenUrl);
      if (fresh !== null) token = fresh;
      return fresh;
    },
  };
}
