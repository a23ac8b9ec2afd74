/**
 * Example: start a conversation over REST, follow its events live over the WebSocket, wait for the answer,
 * then ask a follow-up and resume following from the last sequence number seen (nothing missed, nothing twice).
 *
 *   AGENTCRAFT_URL=http://localhost:3000 AGENTCRAFT_TOKEN=ack_… npx tsx api/client/examples/chat-and-follow.ts
 */
import { AgentCraftClient } from '../agentcraft-client.js';
import { runIfMain } from './run-main.js';

export interface ChatAndFollowResult {
  conversationId: string;
  answers: string[];
  eventTypes: string[];
  lastSeq: number;
}

export async function chatAndFollow(options: { baseUrl: string; token?: string; questions?: string[] }): Promise<ChatAndFollowResult> {
  const client = new AgentCraftClient({ baseUrl: options.baseUrl, ...(options.token === undefined ? {} : { token: options.token }) });
  const [first = 'How do I reset my password?', ...rest] = options.questions ?? ['How do I reset my password?', 'And how do I enable two-factor authentication?'];
  const answers: string[] = [];
  const eventTypes: string[] = [];
  let lastSeq = 0;

  let turn = await client.chat({ message: first, customerId: 'example-customer' });
  const conversationId = turn.conversationId;
  for (const question of [undefined, ...rest]) {
    if (question !== undefined) turn = await client.sendMessage(conversationId, question);
    // Resume after the last event already seen: a reconnecting client does the same with its own offset.
    for await (const event of client.followEvents(conversationId, { fromSeq: lastSeq, signal: AbortSignal.timeout(120_000) })) {
      lastSeq = event.seq;
      eventTypes.push(event.type);
      if (event.type === 'turn-finished' && event.turnId === turn.turnId) {
        answers.push((event.payload as { result: { answer: string } }).result.answer);
        break;
      }
    }
  }
  return { conversationId, answers, eventTypes, lastSeq };
}

runIfMain(import.meta.url, () => chatAndFollow({ baseUrl: process.env.AGENTCRAFT_URL ?? 'http://localhost:3000', ...(process.env.AGENTCRAFT_TOKEN === undefined ? {} : { token: process.env.AGENTCRAFT_TOKEN }) }));
