import { EventType } from '../../domain/constants.js';
import type { AgentFinding, Passage, SynthesizedAnswer } from '../../domain/types.js';
import { questionCoverage } from '../agents/agent-finding.js';
import { claimsFromCitedText, llmCallOf } from '../agents/run-agent.js';
import type { ActivityDependencies } from '../dependencies.js';
import type { EventLog } from '../events/event-log.js';
import { currentAttempt, publishEvent, type TurnRef } from '../events/publisher.js';
import type { ChatRequest, ChatResult, ChatStreamPart } from '../llm/chat-model.js';
import { withHeartbeat } from '../llm/heartbeat.js';
import { parseCitedSentences } from '../llm/offline-model.js';
import { createStageRecorder, type StageRecorder } from '../turn/stage-recorder.js';
import { assertCitationsGiven, givenPassages, numberCitations } from './citations.js';
import { buildStatements, composeAnswer, type Statement } from './compose-answer.js';
import { scoreConfidence } from './confidence.js';
import { detectContradictions } from './contradictions.js';
import { callContextOf } from '../llm/call-context.js';

export { numberCitations } from './citations.js';

export interface SynthesizeAnswerInput extends TurnRef {
  question: string;
  /** Findings in routing order (best agent first): round 2's when the blackboard round ran, else round 1's. */
  findings: AgentFinding[];
  /** How many agents were asked: fewer findings means the agents stage was degraded. */
  agentsAsked: number;
}

/** Shown with every answer the offline model writes, so nobody mistakes it for a generative model. */
export const OFFLINE_NOTICE =
  'Answered by the offline extractive model: every sentence is quoted from the cited help-center articles.';

/** How often buffered token deltas are flushed to the event log while a model streams. */
const TOKEN_FLUSH_MS = 40;

/**
 * Consumes a model stream; with `publish`, streams it to the event log as coalesced `token-delta` events.
 * Returns the final result.
 */
async function consumeStream(eventLog: EventLog, turn: TurnRef, parts: AsyncIterable<ChatStreamPart>, publish: boolean): Promise<ChatResult> {
  let buffer = '';
  let lastFlush = performance.now();
  let result: ChatResult | undefined;
  const flush = async () => {
    if (buffer === '' || !publish) return;
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

function synthesisRequest(question: string, statements: Statement[], given: Map<string, Passage>): ChatRequest {
  return {
    purpose: 'synthesize',
    system:
      'Write one answer for the customer from the specialists\' findings. Use only the numbered documents, cite every sentence as [n], and say so plainly when they do not answer the question.',
    messages: [{ role: 'user', content: question }],
    documents: statements.map((statement, position) => ({ id: `statement-${position + 1}`, title: given.get(statement.passageIds[0] ?? '')?.title ?? '', text: statement.text })),
    maxOutputTokens: 600,
  };
}

/** An answer before numbering: `[n]` markers count in `documents`; `used` are the statements it says. */
interface Drafted {
  text: string;
  documents: Passage[];
  used: Statement[];
  /** Texts the coverage is measured on. */
  said: string[];
}

/**
 * Offline: the composer writes the statements as one reply, those the model picked as the best answer first.
 * The model's pick orders but never filters: each agent already selected its claims as relevant from the full
 * passages, and a handful of short statements is too small a collection for the model's term statistics to
 * veto any of them (the composer's own relevance cutoff and length caps still apply).
 */
function composedDraft(modelText: string, statements: Statement[], given: Map<string, Passage>): Drafted {
  const picked = new Set(
    parseCitedSentences(modelText)
      .flatMap((sentence) => sentence.documentNumbers.map((number) => statements[number - 1]))
      .filter((statement): statement is Statement => statement !== undefined),
  );
  const ordered = [...statements.filter((statement) => picked.has(statement)), ...statements.filter((statement) => !picked.has(statement))];
  const composed = composeAnswer(ordered, given);
  return { text: composed.text, documents: composed.documents, used: composed.used, said: composed.used.map((statement) => statement.text) };
}

/** A real model wrote prose citing statements: each statement stands for its first passage. */
function proseDraft(modelText: string, statements: Statement[], given: Map<string, Passage>): Drafted {
  const documents = statements.map((statement) => given.get(statement.passageIds[0] ?? '')).filter((passage): passage is Passage => passage !== undefined);
  const cited = parseCitedSentences(modelText).filter((sentence) => sentence.documentNumbers.some((number) => number >= 1 && number <= documents.length));
  const used = [...new Set(cited.flatMap((sentence) => sentence.documentNumbers.map((number) => statements[number - 1])))].filter(
    (statement): statement is Statement => statement !== undefined,
  );
  const supported = claimsFromCitedText(modelText, documents).filter((claim) => claim.passageIds.length > 0);
  return { text: modelText, documents, used, said: supported.map((claim) => claim.text) };
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

function summaryOf(answer: SynthesizedAnswer): string {
  const parts = answer.confidenceBreakdown;
  const surfaced = (answer.contradictions ?? []).filter((contradiction) => contradiction.status === 'surfaced').length;
  const breakdown = parts === undefined ? '' : ` (agreement ${parts.agreement}, retrieval ${parts.retrieval}, coverage ${parts.coverage}, penalty ${parts.contradictionPenalty})`;
  return `${answer.citations.length} citations, confidence ${answer.confidence}${breakdown}, ${answer.contradictions?.length ?? 0} contradictions (${surfaced} surfaced)`;
}

export function createSynthesisActivities(dependencies: ActivityDependencies) {
  const { chatModel, eventLog } = dependencies;
  const stages = createStageRecorder(dependencies);
  return {
    /**
     * Synthesis stage: contradictions between agents resolved or surfaced, one answer with numbered
     * citations (only ever of passages the agents were given), streamed as `token-delta` events, and a
     * confidence with its components.
     */
    async synthesizeAnswer(input: SynthesizeAnswerInput): Promise<SynthesizedAnswer> {
      await closeAgentsStage(stages, input);
      return stages.run(input, 'synthesize', () => synthesize(input), (answer) => ({ summary: summaryOf(answer) }));
    },
  };

  /** Publishes a composed answer sentence by sentence, so clients see it arrive like streamed text. */
  async function publishSentences(input: TurnRef, text: string): Promise<void> {
    const sentences = text.split(/(?<=\])\s+(?=\S)/);
    for (const [position, sentence] of sentences.entries()) {
      await publishEvent(eventLog, input, EventType.tokenDelta, { text: position < sentences.length - 1 ? `${sentence} ` : sentence });
    }
  }

  async function synthesize(input: SynthesizeAnswerInput): Promise<SynthesizedAnswer> {
    const attempt = currentAttempt();
    if (attempt > 1) await publishEvent(eventLog, input, EventType.streamReset, { attempt, reason: 'synthesis retried' });
    const given = givenPassages(input.findings);
    const contradictions = detectContradictions(input.findings);
    const statements = buildStatements(input.question, input.findings, contradictions);
    // The offline model only picks statements; the composer writes the reply, streamed once written. A router
    // may still fall back to the offline model after streaming: the composed reply then replaces the stream.
    const offlineModel = chatModel.provider === 'offline';
    const started = performance.now();
    const request = synthesisRequest(input.question, statements, given);
    const result = await withHeartbeat((abortSignal) => consumeStream(eventLog, input, chatModel.stream(request, { abortSignal, context: callContextOf({ ...input, purpose: 'synthesize' }) }), !offlineModel));
    const extractive = result.provider === 'offline';
    const drafted = extractive ? composedDraft(result.text, statements, given) : proseDraft(result.text, statements, given);
    const noAnswer = drafted.used.length === 0;
    // A no-answer reply keeps no markers: nothing it could cite was given.
    const { text, citations } = noAnswer ? numberCitations(result.text, []) : numberCitations(drafted.text, drafted.documents);
    assertCitationsGiven(text, citations, given);
    if (extractive && !offlineModel) await publishEvent(eventLog, input, EventType.streamReset, { attempt, reason: 'extractive answer composed' });
    if (extractive) await publishSentences(input, text);
    const { confidence, breakdown } = scoreConfidence({
      supporters: drafted.used.map((statement) => statement.agentIds.length),
      agentsWithClaims: input.findings.filter((finding) => finding.claims.length > 0).length,
      citedScores: citations.flatMap((citation) => given.get(citation.passageId)?.score ?? []),
      coverage: questionCoverage(input.question, drafted.said),
      contradictions,
    });
    return {
      text,
      citations,
      confidence: noAnswer ? 0 : confidence,
      noAnswer,
      notice: result.provider === 'offline' ? OFFLINE_NOTICE : null,
      llmCall: llmCallOf('synthesize', result, performance.now() - started),
      contradictions,
      confidenceBreakdown: breakdown,
      humanRequests: humanRequestsOf(input.findings),
    };
  }
}

/** The agents that asked for a human, with their reasons. */
export function humanRequestsOf(findings: AgentFinding[]): { agentId: string; reason: string }[] {
  return findings.flatMap((finding) => (finding.needsHuman ? [{ agentId: finding.agentId, reason: finding.needsHumanReason ?? 'the agent asked for a human' }] : []));
}

