import { describe, expect, it } from 'vitest';
import type { ConversationEvent, MessageRecord } from '../api/types';
import { conversationReducer, initialConversationState, type ConversationAction, type ConversationState } from './conversation-state';

const TURN = 'c1.1';
let at = 0;
function event(seq: number, type: ConversationEvent['type'], payload: Record<string, unknown> = {}, turnId = TURN): ConversationAction {
  at += 10;
  return { type: 'event', event: { seq, conversationId: 'c1', type, turnId, at: new Date(1_700_000_000_000 + at).toISOString(), payload } };
}
function run(actions: ConversationAction[], state: ConversationState = initialConversationState('c1')): ConversationState {
  return actions.reduce(conversationReducer, state);
}
const citation = { index: 1, passageId: 'p1', source: 'knowledge', documentId: 'd1', title: 'API keys', url: 'https://help.example/keys', snippet: 'Rotate keys.' } as const;
const finished = (answer: string, extra: Record<string, unknown> = {}) =>
  ({ result: { turnId: TURN, status: 'completed', answer, citations: [citation], confidence: 0.9, agents: ['a'], escalated: false, costUsd: 0, ...extra } });

describe('conversationReducer', () => {
  it('assembles streamed tokens into one assistant message after the user message', () => {
    const state = run([event(1, 'turn-started', { message: 'How?' }), event(2, 'token-delta', { text: 'Rotate ' }), event(3, 'token-delta', { text: 'the key.' })]);
    expect(state.messages.map((message) => [message.role, message.content, message.status])).toEqual([
      ['user', 'How?', 'done'],
      ['assistant', 'Rotate the key.', 'streaming'],
    ]);
  });

  it('drops the partial text on stream-reset and keeps what the retried stream sends', () => {
    const state = run([
      event(1, 'turn-started', { message: 'How?' }),
      event(2, 'token-delta', { text: 'Half an ans' }),
      event(3, 'stream-reset', { attempt: 2 }),
      event(4, 'token-delta', { text: 'A whole answer.' }),
    ]);
    expect(state.messages[1]?.content).toBe('A whole answer.');
  });

  it('applies each seq once: a replayed or duplicated event changes nothing', () => {
    const once = run([event(1, 'turn-started', { message: 'How?' }), event(2, 'token-delta', { text: 'Rotate ' }), event(3, 'token-delta', { text: 'it.' })]);
    const again = run([event(2, 'token-delta', { text: 'Rotate ' }), event(3, 'token-delta', { text: 'it.' }), event(1, 'turn-started', { message: 'How?' })], once);
    expect(again).toBe(once);
    expect(again.messages[1]?.content).toBe('Rotate it.');
    expect(again.lastSeq).toBe(3);
  });

  it('replaces the streamed text with the delivered answer, citations and confidence', () => {
    const state = run([event(1, 'turn-started', { message: 'How?' }), event(2, 'token-delta', { text: 'Draft [3]' }), event(3, 'turn-finished', finished('Final [1]', { notice: 'Offline model' }))]);
    const answer = state.messages[1];
    expect(answer).toMatchObject({ content: 'Final [1]', status: 'done', confidence: 0.9, notice: 'Offline model' });
    expect(answer?.citations).toHaveLength(1);
    expect(state.turns[TURN]?.finished).toBe(true);
  });

  it('does not rewrite a stored answer when the log replays its stream after the history loaded', () => {
    const history: MessageRecord[] = [
      { id: `${TURN}:user`, conversationId: 'c1', turnId: TURN, role: 'user', content: 'How?', citations: [], confidence: null, createdAt: '' },
      { id: `${TURN}:assistant`, conversationId: 'c1', turnId: TURN, role: 'assistant', content: 'Stored [1]', citations: [citation], confidence: 0.8, createdAt: '' },
    ];
    const state = run([{ type: 'history-loaded', messages: history }, event(1, 'turn-started', { message: 'How?' }), event(2, 'token-delta', { text: 'Stored' })]);
    expect(state.messages).toHaveLength(2);
    expect(state.messages[1]?.content).toBe('Stored [1]');
  });

  it('tracks which specialists are working and when each finishes', () => {
    const state = run([
      event(1, 'turn-started', { message: 'Q' }),
      event(2, 'agent-started', { agentId: 'billing-expert', name: 'Billing Expert' }),
      event(3, 'agent-started', { agentId: 'integration-specialist', name: 'Integration Specialist' }),
      event(4, 'agent-finished', { agentId: 'billing-expert', claims: 2, confidence: 0.7 }),
    ]);
    expect(state.turns[TURN]?.agents).toEqual([
      { agentId: 'billing-expert', name: 'Billing Expert', status: 'finished', confidence: 0.7 },
      { agentId: 'integration-specialist', name: 'Integration Specialist', status: 'running' },
    ]);
  });

  it('shows the holding message while a specialist reviews, then the reviewed answer', () => {
    const holding = { result: { turnId: TURN, status: 'awaiting_review', answer: 'A specialist is reviewing.', citations: [], confidence: 0.3, agents: [], escalated: true, costUsd: 0 } };
    const reviewing = run([event(1, 'turn-started', { message: 'Refund?' }), event(2, 'token-delta', { text: 'Draft' }), event(3, 'escalation-created', { escalationId: 'e1', reason: 'asked for a person', ...holding })]);
    expect(reviewing.messages[1]).toMatchObject({ status: 'awaiting_review', content: 'A specialist is reviewing.' });
    expect(reviewing.turns[TURN]?.escalation).toEqual({ id: 'e1', reason: 'asked for a person', status: 'pending' });
    const resolved = run([event(4, 'escalation-resolved', { escalationId: 'e1', status: 'edited', reviewer: 'ana' }), event(5, 'turn-finished', finished('Reviewed [1]'))], reviewing);
    expect(resolved.messages[1]).toMatchObject({ status: 'done', content: 'Reviewed [1]', reviewedBy: 'ana' });
    expect(resolved.turns[TURN]?.escalation?.status).toBe('edited');
  });

  it('forgets the offset when the log restarted, so its new events are not taken for duplicates', () => {
    const state = run([event(7, 'turn-started', { message: 'Q' }), { type: 'snapshot', state: null, logReset: true }, event(1, 'turn-started', { message: 'Next' }, 'c1.2')]);
    expect(state.messages.filter((message) => message.role === 'user').map((message) => message.content)).toEqual(['Q', 'Next']);
  });

  it('shows a person\'s reply and the customer\'s messages during a take-over after the latest turn, in arrival order', () => {
    const state = run([
      event(1, 'turn-started', { message: 'How?' }),
      event(2, 'turn-finished', finished('Rotate it [1].')),
      event(3, 'human-message', { messageId: 'c1.human-1', agent: 'tom', text: 'Tom here, taking over.' }, 'c1.human-1'),
      event(4, 'customer-message', { messageId: 'c1.customer-1', text: 'Thanks Tom!' }, 'c1.customer-1'),
      event(5, 'human-message', { messageId: 'c1.human-2', agent: 'tom', text: 'You are welcome.' }, 'c1.human-2'),
    ]);
    expect(state.messages.map((message) => [message.role, message.content])).toEqual([
      ['user', 'How?'],
      ['assistant', 'Rotate it [1].'],
      ['human_agent', 'Tom here, taking over.'],
      ['user', 'Thanks Tom!'],
      ['human_agent', 'You are welcome.'],
    ]);
  });
});
