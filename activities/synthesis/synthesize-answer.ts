import { EventType } from '../../domain/constants.js';
import type { AgentFinding, Citation, Passage, SynthesizedAnswer } from '../../domain/types.js';
import { claimsFromCitedText, llmCallOf, questionCoverage } from '../agents/run-agent.js';
import type { ActivityDependencies } from '../dependencies.js';
import type { EventLog } from '../events/event-log.js';
import { currentAttempt, publishEvent, type TurnRef } from '../events/publisher.js';
import type { ChatRequest, ChatResult, ChatStreamPart } from '../llm/chat-model.js';
import { withHeartbeat } from '../llm/heartbeat.js';
import { createStageRecorder, type StageRecorder } from '../turn/stage-recorder.js';

export interface SynthesizeAnswerInput extends TurnRef {
  question: string;
  /** Findings in routing order (best agent first). */
  findings: AgentFinding[];
  /** How many agents were asked: fewer findings means the agents stage was degraded. */
  agentsAsked: number;
}

/** Shown with every answer the offline model writes, so nobody mistakes it for a generative model. */
export const OFFLINE_NOTICE =
  'Answered by the offline extractive model: every sentence is quoted from the cited help-center articles.';

/** How often buffered token deltas are flushed to the event log while a model streams. */
const TOKEN_FLUSH_MS = 40;

/** One agent claim offered to the synthesizer, with the passage that supports it. */
export interface ClaimDocument {
  text: string;
  passage: Passage;
}

/**
 * The agents' claims, deduplicated, best agent first: what the synthesizer writes from. Each claim is
 * tied to its first supporting passage, which is what the delivered answer cites.
 */
export function claimDocuments(findings: AgentFinding[]): ClaimDocument[] {
  const seen = new Set<string>();
  const documents: ClaimDocument[] = [];
  for (const finding of findings) {
    const passages = new Map(finding.passages.map((passage) => [passage.id, passage]));
    for (const claim of finding.claims) {
      const passage = claim.passageIds.map((id) => passages.get(id)).find((candidate) => candidate !== undefined);
      const key = claim.text.trim().toLowerCase();
      if (passage === undefined || seen.has(key)) continue;
      seen.add(key);
      documents.push({ text: claim.text, passage });
    }
  }
  return documents;
}

/**
 * Renumbers `[n]` markers (n = claim document position) to citations 1..k in order of first use, one
 * number per cited passage (two claims from one passage share it), and builds the citation list.
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
        snippet: passage.text.length > 280 ? `${passage.text.slice(0, 277)}…` : passage.text,
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

/** Streams a model's output to the event log as coalesced `token-delta` events; returns the final result. */
async function streamToLog(eventLog: EventLog, turn: TurnRef, parts: AsyncIterable<ChatStreamPart>): Promise<ChatResult> {
  let buffer = '';
  let lastFlush = performance.now();
  let result: ChatResult | undefined;
  const flush = async () => {
    if (buffer === '') return;
    const text = buffer;
    buffer = '';
    lastFlush = performance.now();
    await publishEvent(eventLog, turn, EventType.tokenDelta, { text });
  };
  for await (const part of parts) {
    if (part.type === 'finish') {
      result = part.result;
      continue;
    }
    buffer += part.text;
    if (performance.now() - lastFlush >= TOKEN_FLUSH_MS) await flush();
  }
  await flush();
  if (result === undefined) throw new Error('Model stream ended without a finish part');
  return result;
}

function synthesisRequest(question: string, documents: ClaimDocument[]): ChatRequest {
  return {
    purpose: 'synthesize',
    system:
      'Write one answer for the customer from the specialists\' findings. Use only the numbered documents, cite every sentence as [n], and say so plainly when they do not answer the question.',
    messages: [{ role: 'user', content: question }],
    documents: documents.map((claim) => ({ id: claim.passage.id, title: claim.passage.title, text: claim.text })),
    maxOutputTokens: 600,
  };
}

/** Closes the agents stage (it spans the parallel agent activities) from their findings. */
async function closeAgentsStage(stages: StageRecorder, input: SynthesizeAnswerInput): Promise<void> {
  const startedAt = input.findings.map((finding) => finding.startedAt).sort()[0];
  if (startedAt === undefined) return;
  const agents = input.findings.map((finding) => finding.agentId);
  await stages.finished(input, 'agents', startedAt, {
    status: input.findings.length < input.agentsAsked ? 'degraded' : 'ok',
    summary: agents.join(', '),
    trace: { agents },
  });
}

export function createSynthesisActivities(dependencies: ActivityDependencies) {
  const { chatModel, eventLog } = dependencies;
  const stages = createStageRecorder(dependencies);
  return {
    /** Synthesis stage: one answer from every agent's findings, streamed token by token, with citations. */
    async synthesizeAnswer(input: SynthesizeAnswerInput): Promise<SynthesizedAnswer> {
      await closeAgentsStage(stages, input);
      return stages.run(input, 'synthesize', () => synthesize(input), (answer) => ({ summary: `${answer.citations.length} citations, confidence ${answer.confidence}` }));
    },
  };

  async function synthesize(input: SynthesizeAnswerInput): Promise<SynthesizedAnswer> {
      const attempt = currentAttempt();
      if (attempt > 1) await publishEvent(eventLog, input, EventType.streamReset, { attempt, reason: 'synthesis retried' });
      const claims = claimDocuments(input.findings);
      const documents = claims.map((claim) => claim.passage);
      const started = performance.now();
      const result = await withHeartbeat((abortSignal) =>
        streamToLog(eventLog, input, chatModel.stream(synthesisRequest(input.question, claims), { abortSignal })),
      );
      const supported = claimsFromCitedText(result.text, documents).filter((claim) => claim.passageIds.length > 0);
      const { text, citations } = numberCitations(result.text, documents);
      const noAnswer = supported.length === 0;
      const topScore = documents.length === 0 ? 0 : Math.max(...documents.map((passage) => passage.score));
      const coverage = questionCoverage(input.question, supported.map((claim) => claim.text));
      return {
        text: noAnswer ? result.text : text,
        citations: noAnswer ? [] : citations,
        confidence: noAnswer ? 0 : Number(Math.min(1, 0.3 + 0.5 * coverage + 0.2 * Math.min(1, topScore)).toFixed(3)),
        noAnswer,
        notice: result.provider === 'offline' ? OFFLINE_NOTICE : null,
        llmCall: llmCallOf('synthesize', result, performance.now() - started),
      };
  }
}
