/**
 * From many agents' claims to one reply: statements (claims deduplicated across agents, contradiction
 * losers left out, ranked by relevance to the question) and the extractive composition of a coherent answer
 * from them (grouped by topic, light connectives, bounded length, one marker group per sentence). Pure.
 */
import type { AgentFinding, ClaimRef, Contradiction, Passage } from '../../domain/types.js';
import { questionCoverage } from '../agents/agent-finding.js';
import { eng } from 'stopword';
import { terms } from '../llm/text.js';
import { claimFacts, conflictKind, termSimilarity } from './claim-facts.js';
import { claimKey, claimRecords, excludedClaims } from './contradictions.js';

/** One thing the answer may say: a claim, merged with its near-duplicates from other agents. */
export interface Statement {
  text: string;
  /** Supporting passages (all given to the stating agents), first-stated first. */
  passageIds: string[];
  /** Agents that stated it or confirmed it on the blackboard. */
  agentIds: string[];
  claims: ClaimRef[];
  /** The document of its first passage: statements of one document form one paragraph. */
  topic: string;
  /** Share of the question's terms it contains. */
  relevance: number;
  /** Position of first appearance (routing order, then claim order). */
  order: number;
}

/** Term similarity at which two claims say the same thing (as the offline model's duplicate rule). */
const DUPLICATE_SIMILARITY = 0.7;
/** Limits of a composed answer. */
export const MAX_ANSWER_STATEMENTS = 6;
export const MAX_ANSWER_WORDS = 160;
/** Statements less relevant than this share of the most relevant one answer something else and are left out. */
const RELATIVE_RELEVANCE = 0.5;
/** At most this many passages are cited for one sentence. */
const MAX_MARKERS_PER_SENTENCE = 2;
/** Alternating lead-ins of the second and further topics. */
const CONNECTIVES = ['Also', 'In addition'] as const;

/**
 * The statements the answer may use, most relevant first: claims with a passage their agent was given,
 * minus those a contradiction excludes, near-duplicates merged (their agents and passages pooled), and
 * blackboard confirmations counted as support.
 */
export function buildStatements(question: string, findings: AgentFinding[], contradictions: Contradiction[]): Statement[] {
  const excluded = excludedClaims(contradictions);
  const statements: (Statement & { terms: string[] })[] = [];
  for (const record of claimRecords(findings)) {
    if (excluded.has(claimKey(record.ref))) continue;
    const recordTerms = terms(record.ref.text);
    const twin = statements.find((statement) => isDuplicate(statement, record.ref.text, recordTerms));
    const passageIds = record.passages.map((passage) => passage.id);
    if (twin === undefined) {
      const topic = record.passages[0]?.documentId ?? '';
      const relevance = questionCoverage(question, [record.ref.text]);
      statements.push({ text: record.ref.text, passageIds, agentIds: [record.ref.agentId], claims: [record.ref], topic, relevance, order: statements.length, terms: recordTerms });
      continue;
    }
    twin.passageIds = [...new Set([...twin.passageIds, ...passageIds])];
    twin.agentIds = [...new Set([...twin.agentIds, record.ref.agentId])];
    twin.claims.push(record.ref);
  }
  addConfirmations(statements, findings);
  return statements
    .map(({ terms: _terms, ...statement }) => statement)
    .sort((left, right) => right.relevance - left.relevance || right.agentIds.length - left.agentIds.length || left.order - right.order);
}

function isDuplicate(statement: Statement & { terms: string[] }, text: string, textTerms: string[]): boolean {
  if (normalized(statement.text) === normalized(text)) return true;
  if (termSimilarity(statement.terms, textTerms) < DUPLICATE_SIMILARITY) return false;
  return conflictKind(claimFacts(statement.text), claimFacts(text)) === null;
}

function normalized(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!?]+$/, '');
}

function addConfirmations(statements: Statement[], findings: AgentFinding[]): void {
  for (const finding of findings) {
    for (const stance of finding.stances ?? []) {
      if (stance.kind !== 'confirm' || stance.target === null) continue;
      const target = claimKey(stance.target);
      const statement = statements.find((candidate) => candidate.claims.some((ref) => claimKey(ref) === target));
      if (statement !== undefined && !statement.agentIds.includes(stance.agentId)) statement.agentIds.push(stance.agentId);
    }
  }
}

/** A composed answer: text with `[n]` markers, n = position in `documents` (+1), and the statements it used. */
export interface ComposedAnswer {
  text: string;
  documents: Passage[];
  used: Statement[];
  /** The answer's sentences, each with its markers (for streaming sentence by sentence). */
  sentences: string[];
}

/**
 * Writes one reply from ranked statements: the first ones, as long as they are at least half as relevant as
 * the best and within the length limits; statements
 * of one document together (in the order their agents stated them); a connective before each further
 * topic; each sentence followed by the markers of its passages.
 */
export function composeAnswer(statements: Statement[], passages: Map<string, Passage>): ComposedAnswer {
  const chosen = withinLimits(statements.filter((statement) => statement.passageIds.some((id) => passages.has(id))));
  const documents: Passage[] = [];
  const numberOf = (passage: Passage): number => {
    const index = documents.findIndex((document) => document.id === passage.id);
    return index >= 0 ? index + 1 : documents.push(passage);
  };
  const vocabulary = lowercaseVocabulary([...passages.values()]);
  const sentences = groupByTopic(chosen).flatMap((group, groupIndex) =>
    group.map((statement, position) => {
      const cited = statement.passageIds.flatMap((id) => passages.get(id) ?? []).slice(0, MAX_MARKERS_PER_SENTENCE);
      const connective = position === 0 && groupIndex > 0 ? CONNECTIVES[(groupIndex - 1) % CONNECTIVES.length] : undefined;
      const markers = cited.map((passage) => `[${numberOf(passage)}]`).join('');
      return `${withConnective(asSentence(statement.text), connective, vocabulary)} ${markers}`;
    }),
  );
  return { text: sentences.join(' '), documents, used: chosen, sentences };
}

/** Keeps statements in the given order while relevant enough and within the sentence and word limits. */
function withinLimits(statements: Statement[]): Statement[] {
  const best = Math.max(0, ...statements.map((statement) => statement.relevance));
  const chosen: Statement[] = [];
  let words = 0;
  for (const statement of statements.filter((candidate) => candidate.relevance >= best * RELATIVE_RELEVANCE)) {
    const length = statement.text.split(/\s+/).length;
    if (chosen.length >= MAX_ANSWER_STATEMENTS || (chosen.length > 0 && words + length > MAX_ANSWER_WORDS)) break;
    chosen.push(statement);
    words += length;
  }
  return chosen;
}

/** Topics in order of their most relevant statement; inside a topic, the order the agents stated them. */
function groupByTopic(statements: Statement[]): Statement[][] {
  const groups = new Map<string, Statement[]>();
  for (const statement of statements) groups.set(statement.topic, [...(groups.get(statement.topic) ?? []), statement]);
  return [...groups.values()].map((group) => group.sort((left, right) => left.order - right.order));
}

function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]["')\]]?$/.test(trimmed) ? trimmed : `${trimmed.replace(/[,;:]$/, '')}.`;
}

/**
 * Words that are not names: English function words, and words the passages use in lower case (a capitalized
 * one among them is only capitalized as a sentence start).
 */
function lowercaseVocabulary(passages: Passage[]): Set<string> {
  return new Set([...eng, ...passages.flatMap((passage) => passage.text.match(/(?<![\p{L}\p{N}])\p{Ll}[\p{L}'’-]*/gu) ?? [])]);
}

/** "Also, invoices are…": lowercases the first word only when the sources use it in lower case (not a name). */
function withConnective(sentence: string, connective: string | undefined, vocabulary: Set<string>): string {
  if (connective === undefined) return sentence;
  const first = /^[\p{L}'’-]+/u.exec(sentence)?.[0] ?? '';
  const lowered = first.toLowerCase();
  const start = first !== '' && first !== 'I' && vocabulary.has(lowered) ? lowered + sentence.slice(first.length) : sentence;
  return `${connective}, ${start}`;
}
