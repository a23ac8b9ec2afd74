/**
 * The chat view's state as a pure reducer over the stored transcript and the live event log. Every
 * action is idempotent: messages are keyed by `<turnId>:<role>` (the ids the API stores), events at or
 * below `lastSeq` are ignored, and a finished message is never touched by a replayed stream.
 */
import type { Citation, ConversationEvent, ConversationSnapshot, MessageRecord, MessageRole, Stage, TurnResult } from '../api/types';
import type { ConnectionStatus } from '../api/tracking-socket';

export type MessageStatus = 'streaming' | 'awaiting_review' | 'done' | 'failed';

export interface ChatMessage {
  id: string;
  turnId: string;
  role: MessageRole;
  content: string;
  citations: Citation[];
  confidence: number | null;
  status: MessageStatus;
  notice?: string;
  reviewedBy?: string;
  /** Messages outside a turn (a person's reply, a customer's message during a take-over) follow this turn. */
  anchorTurn?: number;
  /** Arrival order among messages anchored to the same turn. */
  position?: number;
}

export type AgentRunStatus = 'running' | 'finished';

export interface AgentRun {
  agentId: string;
  name: string;
  status: AgentRunStatus;
  confidence?: number;
}

export interface EscalationView {
  id: string;
  reason: string;
  status: string;
  reviewer?: string;
}

export interface TurnProgress {
  turnId: string;
  stage: Stage | null;
  agents: AgentRun[];
  escalation?: EscalationView;
  finished: boolean;
}

export interface ConversationState {
  conversationId: string | null;
  lastSeq: number;
  messages: ChatMessage[];
  turns: Record<string, TurnProgress>;
  status: ConnectionStatus;
  conversationStatus: ConversationSnapshot['status'] | null;
}

export type ConversationAction =
  | { type: 'reset'; conversationId: string | null }
  | { type: 'history-loaded'; messages: MessageRecord[] }
  | { type: 'message-sent'; turnId: string; message: string }
  | { type: 'snapshot'; state: ConversationSnapshot | null; logReset: boolean }
  | { type: 'event'; event: ConversationEvent }
  | { type: 'status'; status: ConnectionStatus };

export function initialConversationState(conversationId: string | null): ConversationState {
  return { conversationId, lastSeq: 0, messages: [], turns: {}, status: 'connecting', conversationStatus: null };
}

export const userMessageId = (turnId: string): string => `${turnId}:user`;
export const assistantMessageId = (turnId: string): string => `${turnId}:assistant`;

export function conversationReducer(state: ConversationState, action: ConversationAction): ConversationState {
  switch (action.type) {
    case 'reset':
      return initialConversationState(action.conversationId);
    case 'history-loaded': {
      let lastTurn = 0;
      return action.messages.reduce((next, record, index) => {
        const message = fromRecord(record);
        const turn = turnNumberOf(message.turnId);
        if (turn > 0) lastTurn = turn;
        return upsertMessage(next, turn > 0 ? message : { ...message, anchorTurn: lastTurn, position: index });
      }, state);
    }
    case 'message-sent':
      return ensureUserMessage(state, action.turnId, action.message);
    case 'snapshot':
      return {
        ...state,
        lastSeq: action.logReset ? 0 : state.lastSeq,
        conversationStatus: action.state?.status ?? state.conversationStatus,
      };
    case 'status':
      return { ...state, status: action.status };
    case 'event':
      if (action.event.seq <= state.lastSeq) return state;
      return applyEvent({ ...state, lastSeq: action.event.seq }, action.event);
  }
}

function fromRecord(record: MessageRecord): ChatMessage {
  return {
    id: record.id,
    turnId: record.turnId,
    role: record.role,
    content: record.content,
    citations: record.citations,
    confidence: record.confidence,
    status: 'done',
  };
}

function applyEvent(state: ConversationState, event: ConversationEvent): ConversationState {
  const { turnId, payload } = event;
  switch (event.type) {
    case 'turn-started': {
      const withUser = typeof payload.message === 'string' ? ensureUserMessage(state, turnId, payload.message) : state;
      return updateTurn(ensureAssistantMessage(withUser, turnId), turnId, (turn) => turn);
    }
    case 'stage-started':
      return updateTurn(state, turnId, (turn) => ({ ...turn, stage: stageOf(payload.stage) ?? turn.stage }));
    case 'agent-started':
      return updateTurn(state, turnId, (turn) => ({ ...turn, agents: upsertAgent(turn.agents, payload, 'running') }));
    case 'agent-finished':
      return updateTurn(state, turnId, (turn) => ({ ...turn, agents: upsertAgent(turn.agents, payload, 'finished') }));
    case 'token-delta':
      return updateStreaming(ensureAssistantMessage(state, turnId), turnId, (message) => ({ ...message, content: message.content + stringOf(payload.text) }));
    case 'stream-reset':
      return updateStreaming(state, turnId, (message) => ({ ...message, content: '' }));
    case 'escalation-created':
      return onEscalationCreated(state, event);
    case 'escalation-resolved':
      return onEscalationResolved(state, event);
    case 'turn-finished':
      return onTurnFinished(state, event);
    case 'human-message':
    case 'customer-message':
      return onMessageOutsideTurn(state, event);
    default:
      return state;
  }
}

/** A person's reply, or a customer's message while a person has the conversation: shown after the latest turn. */
function onMessageOutsideTurn(state: ConversationState, event: ConversationEvent): ConversationState {
  const id = stringOf(event.payload.messageId) || `${event.turnId}:${event.seq}`;
  const latestTurn = Math.max(0, ...state.messages.map((message) => message.anchorTurn ?? turnNumberOf(message.turnId)));
  return upsertMessage(state, {
    id,
    turnId: event.turnId,
    role: event.type === 'human-message' ? 'human_agent' : 'user',
    content: stringOf(event.payload.text),
    citations: [],
    confidence: null,
    status: 'done',
    anchorTurn: latestTurn,
    position: event.seq,
  });
}

function onEscalationCreated(state: ConversationState, event: ConversationEvent): ConversationState {
  const { turnId, payload } = event;
  const escalation: EscalationView = { id: stringOf(payload.escalationId), reason: stringOf(payload.reason), status: 'pending' };
  const result = payload.result as TurnResult | undefined;
  const next = updateTurn(state, turnId, (turn) => ({ ...turn, escalation }));
  return updateMessage(ensureAssistantMessage(next, turnId), assistantMessageId(turnId), (message) =>
    message.status === 'done' ? message : { ...message, status: 'awaiting_review', content: result?.answer ?? message.content, citations: [] },
  );
}

function onEscalationResolved(state: ConversationState, event: ConversationEvent): ConversationState {
  const reviewer = typeof event.payload.reviewer === 'string' ? event.payload.reviewer : undefined;
  const status = stringOf(event.payload.status);
  const next = updateTurn(state, event.turnId, (turn) =>
    turn.escalation === undefined ? turn : { ...turn, escalation: { ...turn.escalation, status, ...(reviewer === undefined ? {} : { reviewer }) } },
  );
  return updateMessage(next, assistantMessageId(event.turnId), (message) => (reviewer === undefined ? message : { ...message, reviewedBy: reviewer }));
}

function onTurnFinished(state: ConversationState, event: ConversationEvent): ConversationState {
  const result = event.payload.result as TurnResult | undefined;
  const next = updateTurn(state, event.turnId, (turn) => ({ ...turn, finished: true, stage: null }));
  if (result === undefined) return next;
  return updateMessage(ensureAssistantMessage(next, event.turnId), assistantMessageId(event.turnId), (message) => ({
    ...message,
    content: result.answer,
    citations: result.citations,
    confidence: result.confidence,
    status: result.status === 'failed' ? 'failed' : 'done',
    ...(result.notice === undefined ? {} : { notice: result.notice }),
  }));
}

function ensureUserMessage(state: ConversationState, turnId: string, content: string): ConversationState {
  const id = userMessageId(turnId);
  if (state.messages.some((message) => message.id === id)) return state;
  return upsertMessage(state, { id, turnId, role: 'user', content, citations: [], confidence: null, status: 'done' });
}

function ensureAssistantMessage(state: ConversationState, turnId: string): ConversationState {
  const id = assistantMessageId(turnId);
  if (state.messages.some((message) => message.id === id)) return state;
  return upsertMessage(state, { id, turnId, role: 'assistant', content: '', citations: [], confidence: null, status: 'streaming' });
}

/** Inserts or replaces by id, keeping the transcript ordered by turn (user before assistant). */
function upsertMessage(state: ConversationState, message: ChatMessage): ConversationState {
  const others = state.messages.filter((existing) => existing.id !== message.id);
  const messages = [...others, message].sort(compareMessages);
  return { ...state, messages };
}

const ROLE_ORDER: Record<MessageRole, number> = { user: 0, assistant: 1, human_agent: 2 };

function compareMessages(a: ChatMessage, b: ChatMessage): number {
  const byTurn = (a.anchorTurn ?? turnNumberOf(a.turnId)) - (b.anchorTurn ?? turnNumberOf(b.turnId));
  if (byTurn !== 0) return byTurn;
  // Within a turn: its user message, its answer, then messages outside turns in arrival order.
  const rank = (message: ChatMessage) => (message.anchorTurn === undefined ? ROLE_ORDER[message.role] : 3);
  return rank(a) - rank(b) || (a.position ?? 0) - (b.position ?? 0);
}

export function turnNumberOf(turnId: string): number {
  const number = Number(turnId.slice(turnId.lastIndexOf('.') + 1));
  return Number.isFinite(number) ? number : 0;
}

function updateMessage(state: ConversationState, id: string, update: (message: ChatMessage) => ChatMessage): ConversationState {
  return { ...state, messages: state.messages.map((message) => (message.id === id ? update(message) : message)) };
}

/** Token events only touch a message that is still streaming: a replay never rewrites a finished answer. */
function updateStreaming(state: ConversationState, turnId: string, update: (message: ChatMessage) => ChatMessage): ConversationState {
  return updateMessage(state, assistantMessageId(turnId), (message) => (message.status === 'streaming' ? update(message) : message));
}

function updateTurn(state: ConversationState, turnId: string, update: (turn: TurnProgress) => TurnProgress): ConversationState {
  const turn = state.turns[turnId] ?? { turnId, stage: null, agents: [], finished: false };
  return { ...state, turns: { ...state.turns, [turnId]: update(turn) } };
}

function upsertAgent(agents: AgentRun[], payload: Record<string, unknown>, status: AgentRunStatus): AgentRun[] {
  const agentId = stringOf(payload.agentId);
  const existing = agents.find((agent) => agent.agentId === agentId);
  const name = typeof payload.name === 'string' ? payload.name : existing?.name ?? humanize(agentId);
  const confidence = typeof payload.confidence === 'number' ? payload.confidence : existing?.confidence;
  const agent: AgentRun = { agentId, name, status, ...(confidence === undefined ? {} : { confidence }) };
  return existing === undefined ? [...agents, agent] : agents.map((entry) => (entry.agentId === agentId ? agent : entry));
}

const STAGES = new Set(['route', 'retrieve', 'agents', 'synthesize', 'qa', 'review', 'deliver']);
function stageOf(value: unknown): Stage | null {
  return typeof value === 'string' && STAGES.has(value) ? (value as Stage) : null;
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** `integration-specialist` → `Integration specialist`. */
export function humanize(id: string): string {
  const words = id.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
