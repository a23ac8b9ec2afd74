/**
 * The conversation list: the server's (`GET /api/conversations`, the caller's own conversations), titled
 * with what this browser remembers (the first message), and the browser-local list when the server's
 * cannot be read (an older server, a network problem).
 */
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { ConversationRecord } from '../api/types';
import { useConversationList, type ConversationEntry } from './conversation-list-store';

export interface ConversationListView {
  entries: ConversationEntry[];
  /** Where the entries come from. */
  origin: 'loading' | 'server' | 'local';
}

/** A just-started conversation may not be stored yet: keep a local entry this young that the server lacks. */
export const PENDING_WINDOW_MS = 5 * 60_000;

function titleOf(record: ConversationRecord, local: ConversationEntry | undefined): string {
  if (local !== undefined) return local.title;
  const title = record.metadata.title;
  if (typeof title === 'string' && title.trim() !== '') return title;
  return `Conversation of ${new Date(record.createdAt).toLocaleString()}`;
}

/** The server's records with local titles, plus local entries too new for the server to list. */
export function mergeConversations(records: ConversationRecord[], local: ConversationEntry[], now = Date.now()): ConversationEntry[] {
  const localById = new Map(local.map((entry) => [entry.id, entry]));
  const serverIds = new Set(records.map((record) => record.id));
  const pending = local.filter((entry) => !serverIds.has(entry.id) && now - Date.parse(entry.updatedAt) < PENDING_WINDOW_MS);
  const fromServer = records.map((record) => ({ id: record.id, title: titleOf(record, localById.get(record.id)), updatedAt: record.updatedAt }));
  return [...pending, ...fromServer];
}

/** Reloads when the active conversation changes (a new one was just started, for example). */
export function useConversations(activeId: string | null): ConversationListView {
  const local = useConversationList();
  const [records, setRecords] = useState<ConversationRecord[] | null | 'failed'>(null);
  useEffect(() => {
    const abort = new AbortController();
    api.listConversations(50, abort.signal).then(
      (list) => setRecords(list),
      () => {
        if (!abort.signal.aborted) setRecords('failed');
      },
    );
    return () => abort.abort();
  }, [activeId]);
  if (records === 'failed') return { entries: local, origin: 'local' };
  if (records === null) return { entries: local, origin: 'loading' };
  return { entries: mergeConversations(records, local), origin: 'server' };
}
