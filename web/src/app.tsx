/** Routes and the shell: a skip link, the top navigation, and the page. */
import type { ReactNode } from 'react';
import { NavLink, Outlet, useRouteError, type RouteObject } from 'react-router';
import { ChatPage } from './chat/chat-page';

export function Shell(): ReactNode {
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="top-bar">
        <span className="brand">AgentCraft</span>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to="/" end>
                Chat
              </NavLink>
            </li>
            <li>
              <NavLink to="/review">Review</NavLink>
            </li>
            <li>
              <NavLink to="/debug">Debug</NavLink>
            </li>
            <li>
              <NavLink to="/admin">Admin</NavLink>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
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

const loadDebugPage = async () => ({ Component: (await import('./debug/debug-page')).DebugPage });

export const appRoutes: RouteObject[] = [
  {
    element: <Shell />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <ChatPage /> },
      { path: 'c/:conversationId', element: <ChatPage /> },
      { path: 'review', lazy: async () => ({ Component: (await import('./review/review-queue-page')).ReviewQueuePage }) },
      { path: 'debug', lazy: loadDebugPage },
      { path: 'debug/:conversationId', lazy: loadDebugPage },
      { path: 'debug/:conversationId/:turnId', lazy: loadDebugPage },
      // The charts library is the heaviest dependency: only the admin page loads it.
      { path: 'admin', lazy: async () => ({ Component: (await import('./admin/admin-page')).AdminPage }) },
      { path: '*', element: <NotFound /> },
    ],
  },
];
