/**
 * The browser's own list of its conversations: id, title (the first message) and when it was last used,
 * in localStorage. It titles the server's list and stands in for it when that cannot be loaded.
 */
import { useCallback, useSyncExternalStore } from 'react';

export interface ConversationEntry {
  id: string;
  title: string;
  updatedAt: string;
}

const STORAGE_KEY = 'agentcraft.conversations';
const MAX_ENTRIES = 50;
const listeners = new Set<() => void>();
let cache: ConversationEntry[] | null = null;

function read(): ConversationEntry[] {
  if (cache !== null) return cache;
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? '[]');
    cache = Array.isArray(parsed) ? parsed.filter(isEntry) : [];
  } catch {
    cache = [];
  }
  return cache;
}

function isEntry(value: unknown): value is ConversationEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.id === 'string' && typeof entry.title === 'string' && typeof entry.updatedAt === 'string';
}

function write(entries: ConversationEntry[]): void {
  cache = entries.slice(0, MAX_ENTRIES);
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(cache));
  } catch {
    // Private mode or a full quota: the list lives for this page only.
  }
  for (const listener of listeners) listener();
}

/** Records a conversation (new ones first; an existing one keeps its title and moves to the top). */
export function rememberConversation(id: string, title: string): void {
  const entries = read();
  const existing = entries.find((entry) => entry.id === id);
  const entry: ConversationEntry = { id, title: existing?.title ?? title.slice(0, 80), updatedAt: new Date().toISOString() };
  write([entry, ...entries.filter((other) => other.id !== id)]);
}

export function forgetConversation(id: string): void {
  write(read().filter((entry) => entry.id !== id));
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useConversationList(): ConversationEntry[] {
  const getSnapshot = useCallback(() => read(), []);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}

/** For tests: forget the in-memory copy so the next read goes to storage. */
export function resetConversationListCache(): void {
  cache = null;
}
