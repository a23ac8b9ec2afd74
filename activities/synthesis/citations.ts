/** Numbered citations of a synthesized answer, and the guarantee that they only name given passages. Pure. */
import { ApplicationFailure } from '@temporalio/activity';
import { FailureType } from '../../domain/failure-types.js';
import type { AgentFinding, Citation, Passage } from '../../domain/types.js';

/** Longest snippet a citation carries. */
const SNIPPET_CHARACTERS = 280;

/**
 * Renumbers `[n]` markers (n = document position) to citations 1..k in order of first use, one number per
 * cited passage (two documents from one passage share it), and builds the citation list. Markers outside
 * the documents are dropped without using a number.
 */
export function numberCitations(text: string, documents: Passage[]): { text: string; citations: Citation[] } {
  const numbering = new Map<string, number>();
  const citations: Citation[] = [];
  const citationOf = (documentNumber: number): string => {
    const passage = documents[documentNumber - 1];
    if (passage === undefined) return '';
    let index = numbering.get(passage.id);
    if (index === undefined) {
      index = citations.length + 1;
      numbering.set(passage.id, index);
      citations.push({
        index,
        passageId: passage.id,
        source: passage.source,
        documentId: passage.documentId,
        title: passage.title,
        url: passage.url,
        snippet: passage.text.length > SNIPPET_CHARACTERS ? `${passage.text.slice(0, SNIPPET_CHARACTERS - 3)}…` : passage.text,
      });
    }
    return `[${index}]`;
  };
  // `[n]` and grouped `[n, m]` markers (both are parsed as citations by `parseCitedSentences`).
  const renumbered = text.replace(/\[(\d+(?:\s*,\s*\d+)*)\]/g, (_marker, numbers: string) =>
    numbers.split(',').map((number) => citationOf(Number(number.trim()))).join(''),
  );
  // Adjacent markers that now name the same citation collapse into one.
  return { text: renumbered.replace(/(\[\d+\])(?:\1)+/g, '$1'), citations };
}

/** Every passage any agent was given (by id): the only passages an answer may cite. */
export function givenPassages(findings: AgentFinding[]): Map<string, Passage> {
  return new Map(findings.flatMap((finding) => finding.passages.map((passage) => [passage.id, passage] as const)));
}

/**
 * Fails loudly if a citation names a passage no agent was given, or a marker in the text has no citation:
 * an invented source must never reach a customer. A violation is a bug, so retrying cannot help.
 */
export function assertCitationsGiven(text: string, citations: Citation[], given: Map<string, Passage>): void {
  const invented = citations.filter((citation) => !given.has(citation.passageId)).map((citation) => citation.passageId);
  const indexes = new Set(citations.map((citation) => citation.index));
  const dangling = [...text.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1])).filter((index) => !indexes.has(index));
  if (invented.length === 0 && dangling.length === 0) return;
  throw ApplicationFailure.nonRetryable(
    `Synthesis cited sources it was not given (passages: ${invented.join(', ') || 'none'}; markers: ${dangling.join(', ') || 'none'})`,
    FailureType.InvalidInput,
  );
}
