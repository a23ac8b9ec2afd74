/** Says when live updates are interrupted; silent while everything is fine. */
import type { ReactNode } from 'react';
import type { ConnectionStatus } from '../api/tracking-socket';

const TEXT: Partial<Record<ConnectionStatus, string>> = {
  reconnecting: 'Connection lost — reconnecting…',
  offline: 'You are offline. Updates will resume when the connection is back.',
  unauthorized: 'Live updates stopped: the server did not accept your sign-in.',
};

export function ConnectionBanner({ status }: { status: ConnectionStatus }): ReactNode {
  const text = TEXT[status];
  return (
    <div className="connection-banner" role="status" data-connection={status}>
      {text ?? ''}
    </div>
  );
}
