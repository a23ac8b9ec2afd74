/** Small display helpers shared by the admin pages. */

/** A timestamp as local date and time, or a dash. */
export function formatDateTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** "3 h ago", "2 d ago": how long ago something happened. */
export function ageOf(iso: string | null | undefined, now = Date.now()): string {
  if (iso === null || iso === undefined) return 'never';
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h ago`;
  return `${Math.round(minutes / 1440)} d ago`;
}

/** An error as a sentence for an alert. */
export function messageOf(error: unknown, fallback = 'The request failed'): string {
  return error instanceof Error ? error.message : fallback;
}

/** Splits a list typed one per line or comma-separated. */
export function listOfText(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
