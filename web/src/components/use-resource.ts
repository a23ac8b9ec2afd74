/**
 * Loads one API resource and tells apart "loading", "ready", "not available yet" (the endpoint is not
 * served: 404 `not_found`) and "failed". Optional polling keeps a page live.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/http';

export type Resource<T> =
  | { status: 'loading'; data: null; error: null }
  | { status: 'ready'; data: T; error: null }
  | { status: 'unavailable'; data: null; error: null }
  | { status: 'error'; data: T | null; error: string };

export interface UseResource<T> {
  resource: Resource<T>;
  reload: () => void;
  updatedAt: Date | null;
}

export function useResource<T>(load: () => Promise<T>, dependencies: unknown[], pollMs?: number): UseResource<T> {
  const [resource, setResource] = useState<Resource<T>>({ status: 'loading', data: null, error: null });
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => setGeneration((value) => value + 1), []);

  useEffect(() => {
    let cancelled = false;
    const run = (): void => {
      loadRef.current().then(
        (data) => {
          if (cancelled) return;
          setResource({ status: 'ready', data, error: null });
          setUpdatedAt(new Date());
        },
        (error: unknown) => {
          if (cancelled) return;
          if (error instanceof ApiError && error.notAvailable) setResource({ status: 'unavailable', data: null, error: null });
          else setResource((previous) => ({ status: 'error', data: previous.data, error: error instanceof Error ? error.message : 'Request failed' }));
        },
      );
    };
    run();
    const timer = pollMs === undefined ? null : setInterval(run, pollMs);
    return () => {
      cancelled = true;
      if (timer !== null) clearInterval(timer);
    };
    // The caller lists what its loader depends on.
  }, [generation, pollMs, ...dependencies]);

  return { resource, reload, updatedAt };
}
