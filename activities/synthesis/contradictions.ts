/**
 * Contradictions between the claims of different agents, each resolved with evidence or surfaced to QA.
 * Pure: the synthesizer drops the losing side of a resolved contradiction and the weaker side of a surfaced
 * one, and QA sees every contradiction on `SynthesizedAnswer.contradictions`.
 */
import type { AgentFinding, ClaimRef, Contradiction, ContradictionKind, ContradictionPosition, Passage } from '../../domain/types.js';
import { claimFacts, conflictKind, sameSubject, sharedSubject, type ClaimFacts } from './claim-facts.js';

/** One claim with its facts and the passages (given to its agent) that support it. */
export interface ClaimRecord {
  ref: ClaimRef;
  facts: ClaimFacts;
  passages: Passage[];
}

/** Every claim of the findings, in routing order, that cites at least one passage its agent was given. */
export function claimRecords(findings: AgentFinding[]): ClaimRecord[] {
  return findings.flatMap((finding) => {
    const given = new Map(finding.passages.map((passage) => [passage.id, passage]));
    return finding.claims.flatMap((claim, claimIndex) => {
      const passages = claim.passageIds.map((id) => given.get(id)).filter((passage): passage is Passage => passage !== undefined);
      if (passages.length === 0) return [];
      return [{ ref: { agentId: finding.agentId, claimIndex, text: claim.text }, facts: claimFacts(claim.text), passages }];
    });
  });
}

/** Key of a claim reference, for sets and maps. */
export function claimKey(ref: Pick<ClaimRef, 'agentId' | 'claimIndex'>): string {
  return `${ref.agentId}#${ref.claimIndex}`;
}

/**
 * Finds the contradictions between claims of different agents (numbers, negations, yes/no about one
 * subject). Claims of other agents that side with one position join it, so one disagreement is reported
 * once, with all its supporters. Position 0 is the side of the agent routed first.
 */
export function detectContradictions(findings: AgentFinding[]): Contradiction[] {
  const records = claimRecords(findings);
  const found = new Map<string, Contradiction>();
  records.forEach((left, leftIndex) => {
    for (const right of records.slice(leftIndex + 1)) {
      if (left.ref.agentId === right.ref.agentId) continue;
      const kind = conflictKind(left.facts, right.facts);
      if (kind === null) continue;
      const sides = [sideOf(records, left, right), sideOf(records, right, left)] as const;
      const key = sides.map((side) => side.map((record) => claimKey(record.ref)).join(',')).sort().join('|');
      if (found.has(key)) continue;
      found.set(key, resolve(kind, sharedSubject(left.facts, right.facts).join(' '), [positionOf(sides[0]), positionOf(sides[1])]));
    }
  });
  return [...found.values()];
}

/** The claims that say what `claim` says against `opponent`: same subject as `claim`, in conflict with `opponent`. */
function sideOf(records: ClaimRecord[], claim: ClaimRecord, opponent: ClaimRecord): ClaimRecord[] {
  return records.filter(
    (record) =>
      record === claim ||
      (record !== opponent &&
        sameSubject(record.facts, claim.facts) &&
        conflictKind(record.facts, claim.facts) === null &&
        conflictKind(record.facts, opponent.facts) !== null),
  );
}

function positionOf(side: ClaimRecord[]): ContradictionPosition {
  const passages = uniqueBy(side.flatMap((record) => record.passages), (passage) => passage.id);
  const dates = passages.map((passage) => passage.updatedAt).filter((date): date is string => date !== null && !Number.isNaN(Date.parse(date)));
  return {
    text: side[0]?.ref.text ?? '',
    claims: side.map((record) => record.ref),
    agentIds: [...new Set(side.map((record) => record.ref.agentId))],
    passageIds: passages.map((passage) => passage.id),
    updatedAt: dates.sort((left, right) => Date.parse(right) - Date.parse(left))[0] ?? null,
  };
}

/**
 * Evidence decides, in this order: the fresher source (a policy changed; the older article is stale), then
 * more agents, then more passages. Equal evidence leaves the contradiction surfaced for QA.
 */
function resolve(kind: ContradictionKind, subject: string, positions: [ContradictionPosition, ContradictionPosition]): Contradiction {
  const [first, second] = positions;
  const surfaced: Contradiction = { kind, subject, positions, status: 'surfaced', winner: null, reason: 'equal evidence on both sides: the sources disagree' };
  const decided = (winner: 0 | 1, reason: string): Contradiction => ({ ...surfaced, status: 'resolved', winner, reason });
  if (first.updatedAt !== null && second.updatedAt !== null && Date.parse(first.updatedAt) !== Date.parse(second.updatedAt)) {
    const winner = Date.parse(first.updatedAt) > Date.parse(second.updatedAt) ? 0 : 1;
    const [newer, older] = winner === 0 ? [first, second] : [second, first];
    return decided(winner, `fresher source: updated ${dateOf(newer.updatedAt)}, the other ${dateOf(older.updatedAt)}`);
  }
  if (first.agentIds.length !== second.agentIds.length) {
    const winner = first.agentIds.length > second.agentIds.length ? 0 : 1;
    return decided(winner, `more agents agree: ${positions[winner].agentIds.length} against ${positions[1 - winner]?.agentIds.length ?? 0}`);
  }
  if (first.passageIds.length !== second.passageIds.length) {
    const winner = first.passageIds.length > second.passageIds.length ? 0 : 1;
    return decided(winner, `more supporting passages: ${positions[winner].passageIds.length} against ${positions[1 - winner]?.passageIds.length ?? 0}`);
  }
  return surfaced;
}

function dateOf(iso: string | null): string {
  return iso === null ? 'unknown' : new Date(iso).toISOString().slice(0, 10);
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(key(item)) ? false : (seen.add(key(item)), true)));
}

/**
 * The claims an answer must leave out: the losing side of every resolved contradiction, and position 1 of
 * every surfaced one (the answer keeps the first-routed agent's wording; QA sees both).
 */
export function excludedClaims(contradictions: Contradiction[]): Set<string> {
  const excluded = new Set<string>();
  for (const contradiction of contradictions) {
    const loser = contradiction.winner === null ? 1 : 1 - contradiction.winner;
    for (const ref of contradiction.positions[loser]?.claims ?? []) excluded.add(claimKey(ref));
  }
  return excluded;
}
