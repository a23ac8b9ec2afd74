/** Renders a `Resource`: a spinner, a clear "not available yet", an error with retry, or the content. */
import type { ReactNode } from 'react';
import type { Resource } from './use-resource';

export interface ResourceViewProps<T> {
  resource: Resource<T>;
  /** What the missing endpoint is, e.g. "GET /api/escalations". */
  endpoint: string;
  what: string;
  onRetry?: () => void;
  children: (data: T) => ReactNode;
}

export function ResourceView<T>({ resource, endpoint, what, onRetry, children }: ResourceViewProps<T>): ReactNode {
  if (resource.status === 'loading') {
    return (
      <p className="muted" role="status">
        Loading {what}…
      </p>
    );
  }
  if (resource.status === 'unavailable') return <NotAvailable endpoint={endpoint} what={what} />;
  if (resource.status === 'error') {
    return (
      <>
        <div className="error-text" role="alert">
          Could not load {what}: {resource.error}{' '}
          {onRetry !== undefined && (
            <button type="button" onClick={onRetry}>
              Retry
            </button>
          )}
        </div>
        {resource.data !== null && children(resource.data)}
      </>
    );
  }
  return <>{children(resource.data)}</>;
}

export function NotAvailable({ endpoint, what }: { endpoint: string; what: string }): ReactNode {
  return (
    <div className="not-available" role="note" data-testid="not-available">
      <strong>Not available yet.</strong> This server does not serve {what} (<code>{endpoint}</code>) yet; this panel lights up
      once it does.
    </div>
  );
}
