/** Routes and the shell: a skip link, the development-mode banner, the top navigation, and the page. */
import { useLayoutEffect, useRef, type ComponentType, type ReactNode, type RefObject } from 'react';
import { NavLink, Outlet, useRouteError, type RouteObject } from 'react-router';
import { Area } from './auth/access';
import { AuthProvider, useAuth } from './auth/auth-context';
import { DevModeBanner, PrincipalBox, RequireArea } from './auth/auth-status';
import { SignInDialog } from './auth/sign-in-dialog';
import { ChatPage } from './chat/chat-page';

export function Shell(): ReactNode {
  return (
    <AuthProvider>
      <ShellLayout />
    </AuthProvider>
  );
}

/** Publishes the header's height as `--header-height` (the chat fills the rest; the banner may wrap). */
function useHeaderHeight(): RefObject<HTMLElement | null> {
  const ref = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    const header = ref.current;
    if (header === null || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => document.documentElement.style.setProperty('--header-height', `${header.offsetHeight}px`));
    observer.observe(header);
    return () => observer.disconnect();
  }, []);
  return ref;
}

function ShellLayout(): ReactNode {
  const { can, generation } = useAuth();
  const headerRef = useHeaderHeight();
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="app-header" ref={headerRef}>
        <DevModeBanner />
        <div className="top-bar">
          <span className="brand">AgentCraft</span>
          <nav aria-label="Main">
            <ul>
              <li>
                <NavLink to="/" end>
                  Chat
                </NavLink>
              </li>
              {can(Area.review) && (
                <li>
                  <NavLink to="/review">Review</NavLink>
                </li>
              )}
              {can(Area.debug) && (
                <li>
                  <NavLink to="/debug">Debug</NavLink>
                </li>
              )}
              {can(Area.admin) && (
                <li>
                  <NavLink to="/admin">Admin</NavLink>
                </li>
              )}
            </ul>
          </nav>
          <PrincipalBox />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {/* A new credential remounts the page, so everything reloads with it. */}
        <Outlet key={generation} />
      </main>
      <SignInDialog />
    </>
  );
}

function RouteError(): ReactNode {
  const error = useRouteError();
  return (
    <div className="page" role="alert">
      <h1>Something went wrong</h1>
      <p>{error instanceof Error ? error.message : 'This page could not be shown.'}</p>
    </div>
  );
}

function NotFound(): ReactNode {
  return (
    <div className="page">
      <h1>Page not found</h1>
    </div>
  );
}

/** A lazily loaded page behind a role check. */
function guarded(area: Area, load: () => Promise<ComponentType>): RouteObject['lazy'] {
  return async () => {
    const Page = await load();
    return {
      Component: () => (
        <RequireArea area={area}>
          <Page />
        </RequireArea>
      ),
    };
  };
}

const loadDebugPage = guarded(Area.debug, async () => (await import('./debug/debug-page')).DebugPage);

export const appRoutes: RouteObject[] = [
  {
    element: <Shell />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <ChatPage /> },
      { path: 'c/:conversationId', element: <ChatPage /> },
      { path: 'review', lazy: guarded(Area.review, async () => (await import('./review/review-queue-page')).ReviewQueuePage) },
      { path: 'debug', lazy: loadDebugPage },
      { path: 'debug/:conversationId', lazy: loadDebugPage },
      { path: 'debug/:conversationId/:turnId', lazy: loadDebugPage },
      // The charts library is the heaviest dependency: only the admin dashboard loads it.
      { path: 'admin', lazy: guarded(Area.admin, async () => (await import('./admin/admin-page')).AdminPage) },
      { path: 'admin/knowledge', lazy: guarded(Area.manage, async () => (await import('./knowledge/knowledge-page')).KnowledgePage) },
      { path: 'admin/keys', lazy: guarded(Area.manage, async () => (await import('./admin/api-keys-page')).ApiKeysPage) },
      { path: 'admin/webhooks', lazy: guarded(Area.manage, async () => (await import('./admin/webhooks-page')).WebhooksPage) },
      { path: 'admin/audit', lazy: guarded(Area.manage, async () => (await import('./admin/audit-page')).AuditPage) },
      { path: '*', element: <NotFound /> },
    ],
  },
];
