/** The props of `SafeMarkdown` and the citation markers it links (shared by the lazy wrapper and the renderer). */

export interface SafeMarkdownProps {
  text: string;
  /** Indexes that may be linked (only those of the delivered answer: streamed numbers are provisional). */
  citationIndexes?: number[];
  onCitation?: (index: number) => void;
  openCitation?: number | null;
  /** Prefix of the passage ids, for `aria-controls`. */
  idPrefix?: string;
}

export const CITATION_HREF = '#citation-';

/** Turns `[n]` into a link to `#citation-n` for each known index. */
export function linkCitations(text: string, indexes: number[]): string {
  if (indexes.length === 0) return text;
  const known = new Set(indexes);
  return text.replace(/\[(\d{1,3})\](?!\()/g, (marker, digits: string) =>
    known.has(Number(digits)) ? `[\\[${digits}\\]](${CITATION_HREF}${digits})` : marker,
  );
}
