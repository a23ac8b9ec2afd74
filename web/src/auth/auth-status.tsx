/** The development-mode banner, who is signed in (with sign-in / sign-out), and a guard for restricted pages. */
import type { ReactNode } from 'react';
import type { Area } from './access';
import { AREA_ROLES } from './access';
import { useAuth } from './auth-context';

/** Persistent and loud: a server in development mode lets anyone in as an all-roles user. */
export function DevModeBanner(): ReactNode {
  const { state } = useAuth();
  if (state.status !== 'signed-in' || !state.me.developmentMode) return null;
  return (
    <div className="dev-banner" role="note" aria-label="Development mode" data-testid="dev-mode-banner">
      <strong>Development mode — no authentication.</strong> Every request without a credential acts as{' '}
      <code>{state.me.principal.subject}</code> with every role. Never expose this server.
    </div>
  );
}

export function PrincipalBox(): ReactNode {
  const { state, hasCredential, openSignIn, signOut } = useAuth();
  if (state.status === 'signed-out') {
    return (
      <div className="principal">
        <span className="muted">Not signed in</span>
        <button type="button" onClick={openSignIn}>
          Sign in
        </button>
      </div>
    );
  }
  if (state.status !== 'signed-in') return null;
  const { principal } = state.me;
  return (
    <div className="principal" data-testid="principal">
      <span>
        <span className="visually-hidden">Signed in as </span>
        <strong>{principal.subject}</strong>
        <span className="muted">
          {' '}
          · tenant {principal.tenantId} · {principal.roles.length === 0 ? 'no roles' : principal.roles.join(', ')}
        </span>
      </span>
      {hasCredential ? (
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      ) : (
        <button type="button" onClick={openSignIn}>
          Sign in
        </button>
      )}
    </div>
  );
}

/** Shows `children` only to roles allowed in `area`; others read why. */
export function RequireArea({ area, children }: { area: Area; children: ReactNode }): ReactNode {
  const { can, state } = useAuth();
  if (state.status === 'loading') {
    return (
      <p className="page muted" role="status">
        Checking who you are…
      </p>
    );
  }
  if (can(area)) return children;
  if (state.status === 'signed-out') return <SignInNeeded />;
  return (
    <div className="page" role="alert">
      <h1>Not allowed</h1>
      <p>This page needs one of these roles: {AREA_ROLES[area].join(', ')}.</p>
    </div>
  );
}

function SignInNeeded(): ReactNode {
  const { openSignIn } = useAuth();
  return (
    <div className="page">
      <h1>Sign in needed</h1>
      <p>This page needs a credential.</p>
      <button type="button" className="primary" onClick={openSignIn}>
        Sign in
      </button>
    </div>
  );
}
