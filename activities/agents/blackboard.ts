/**
 * The blackboard round, without a model: each agent compares the other agents' first-round claims with its
 * own claims and the passages it cited, and confirms, refines or contests them — only on evidence (the same
 * statement, a conflicting number, negation or yes/no about the same subject, a fresher source). Pure.
 */
import type { AgentFinding, Claim, ClaimRef, Passage, Stance } from '../../domain/types.js';
import { segmentSentences, SentenceKind, terms } from '../llm/text.js';
import { claimFacts, conflictKind, termSimilarity, type ClaimFacts } from '../synthesis/claim-facts.js';
import { claimRecords, type ClaimRecord } from '../synthesis/contradictions.js';
import { questionCoverage } from './agent-finding.js';

/** Term similarity from which another agent's claim restates one of ours (a confirmation). */
const RESTATES = 0.7;
/** At most this many of the others' claims are adopted in one review (keeps round 2 short). */
const MAX_ADOPTED = 2;

interface Evidence {
  text: string;
  facts: ClaimFacts;
  terms: string[];
  passage: Passage;
}

/** The freshest `updatedAt` of some passages, as epoch milliseconds (null when none has a date). */
export function freshestUpdate(passages: Passage[]): number | null {
  const times = passages.map((passage) => (passage.updatedAt === null ? Number.NaN : Date.parse(passage.updatedAt))).filter((time) => !Number.isNaN(time));
  return times.length === 0 ? null : Math.max(...times);
}

function isFresher(left: Passage[], right: Passage[]): boolean {
  const [leftTime, rightTime] = [freshestUpdate(left), freshestUpdate(right)];
  return leftTime !== null && rightTime !== null && leftTime > rightTime;
}

/** The sentences of the passages an agent cited: what it can confirm or contest with. */
function evidenceOf(finding: AgentFinding): Evidence[] {
  return finding.passages.flatMap((passage) =>
    segmentSentences(passage.text)
      .filter((sentence) => sentence.kind !== SentenceKind.heading && sentence.kind !== SentenceKind.code)
      .map((sentence) => ({ text: sentence.text, facts: claimFacts(sentence.text), terms: terms(sentence.text), passage })),
  );
}

/**
 * The stances `agentId` takes on the other agents' claims, deterministically:
 * - a conflict with its own claim: `refine` (replace its claim with the other one) when the other's source
 *   is fresher, else `contest` with its own claim and passages;
 * - a conflict with a sentence of its cited passages: `contest` with that sentence (unless the other's
 *   source is fresher);
 * - a restatement of its own claim or of a sentence of its passages: `confirm`;
 * - otherwise a claim on a passage it was given that covers question terms its claims miss: `refine` (add).
 */
export function offlineStances(agentId: string, question: string, findings: AgentFinding[], given: Passage[]): Stance[] {
  const own = findings.find((finding) => finding.agentId === agentId);
  if (own === undefined) return [];
  const mine = claimRecords([own]);
  const evidence = evidenceOf(own);
  const givenIds = new Set(given.map((passage) => passage.id));
  const stances: Stance[] = [];
  let covered = own.claims.map((claim) => claim.text);
  for (const other of claimRecords(findings.filter((finding) => finding.agentId !== agentId))) {
    const stance = stanceOn(agentId, other, mine, evidence) ?? adoption(agentId, question, other, covered, givenIds);
    if (stance === null) continue;
    if (stance.kind === 'refine' && stance.target === null) {
      if (stances.filter((taken) => taken.kind === 'refine' && taken.target === null).length >= MAX_ADOPTED) continue;
      covered = [...covered, other.ref.text];
    }
    stances.push(stance);
  }
  return stances;
}

function stanceOn(agentId: string, other: ClaimRecord, mine: ClaimRecord[], evidence: Evidence[]): Stance | null {
  const otherIds = other.passages.map((passage) => passage.id);
  const rival = mine.find((record) => conflictKind(record.facts, other.facts) !== null);
  if (rival !== undefined) {
    if (isFresher(other.passages, rival.passages)) {
      const reason = `a fresher source (${otherIds.join(', ')}) says otherwise than mine`;
      return { agentId, kind: 'refine', target: rival.ref, claim: { text: other.ref.text, passageIds: otherIds }, passageIds: otherIds, reason };
    }
    return contest(agentId, other.ref, { text: rival.ref.text, passageIds: rival.passages.map((passage) => passage.id) });
  }
  const conflicting = evidence.find((sentence) => conflictKind(sentence.facts, other.facts) !== null);
  if (conflicting !== undefined && !isFresher(other.passages, [conflicting.passage])) {
    return contest(agentId, other.ref, { text: conflicting.text, passageIds: [conflicting.passage.id] });
  }
  const otherTerms = terms(other.ref.text);
  const restated = [
    ...mine.filter((record) => termSimilarity(terms(record.ref.text), otherTerms) >= RESTATES).flatMap((record) => record.passages),
    ...evidence.filter((sentence) => termSimilarity(sentence.terms, otherTerms) >= RESTATES).map((sentence) => sentence.passage),
  ];
  if (restated.length === 0) return null;
  const passageIds = [...new Set(restated.map((passage) => passage.id))];
  return { agentId, kind: 'confirm', target: other.ref, claim: null, passageIds, reason: `my sources (${passageIds.join(', ')}) state the same` };
}

function contest(agentId: string, target: ClaimRef, counter: Claim): Stance {
  const reason = `my source (${counter.passageIds.join(', ')}) states: "${counter.text}"`;
  return { agentId, kind: 'contest', target, claim: counter, passageIds: counter.passageIds, reason };
}

/** Adopts another agent's claim when it stands on a passage this agent was given and covers more of the question. */
function adoption(agentId: string, question: string, other: ClaimRecord, covered: string[], givenIds: Set<string>): Stance | null {
  const passageIds = other.passages.map((passage) => passage.id).filter((id) => givenIds.has(id));
  if (passageIds.length === 0) return null;
  if (questionCoverage(question, [...covered, other.ref.text]) <= questionCoverage(question, covered)) return null;
  const reason = `${other.ref.agentId} found evidence (${passageIds.join(', ')}) for a part of the question my claims missed`;
  return { agentId, kind: 'refine', target: null, claim: { text: other.ref.text, passageIds }, passageIds, reason };
}

/**
 * The agent's claims after its stances: a refinement with a target replaces that claim, one without adds
 * its claim, a contest adds the counter-claim (so synthesis weighs both sides). Citations outside `given`
 * are dropped; a claim left without any is dropped too.
 */
export function applyStances(own: AgentFinding, stances: Stance[], given: Passage[]): { claims: Claim[]; passages: Passage[] } {
  const givenIds = new Set([...given, ...own.passages].map((passage) => passage.id));
  const claims = own.claims.map((claim) => ({ ...claim }));
  for (const stance of stances) {
    if (stance.claim === null || stance.kind === 'confirm') continue;
    const claim = { text: stance.claim.text, passageIds: stance.claim.passageIds.filter((id) => givenIds.has(id)) };
    if (claim.passageIds.length === 0) continue;
    const replaced = stance.kind === 'refine' && stance.target?.agentId === own.agentId ? stance.target.claimIndex : -1;
    if (replaced >= 0 && replaced < claims.length) claims[replaced] = claim;
    else if (!claims.some((existing) => existing.text === claim.text)) claims.push(claim);
  }
  const cited = new Set(claims.flatMap((claim) => claim.passageIds));
  const pool = new Map([...own.passages, ...given].map((passage) => [passage.id, passage]));
  return { claims, passages: [...cited].flatMap((id) => pool.get(id) ?? []) };
}
