/** The reviewer's name, remembered in this browser (decisions are signed with it). */
import { useCallback, useState } from 'react';

const KEY = 'agentcraft.reviewer';

export function useReviewerName(): [string, (name: string) => void] {
  const [name, setName] = useState(() => {
    try {
      return window.localStorage.getItem(KEY) ?? '';
    } catch {
      return '';
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
