/**
 * The customer's own context for a turn, from PostgreSQL: earlier messages of this customer (other
 * conversations of the tenant) that share terms with the question, and the customer's preferences. There is no
 * preferences store: preferences are derived from the customer's own earlier messages (language they write in,
 * the plan and billing interval they say they are on), newest statement first, and offered as one passage.
 */
import type { Passage } from '../../domain/types.js';
import { terms } from '../llm/text.js';
import type { MessageRecord, Store } from '../persistence/store.js';
import { detectLanguage } from '../routing/signals.js';

export interface CustomerContextInput {
  tenantId: string;
  customerId: string;
  /** The conversation of the turn: its messages are the conversation itself, not history. */
  conversationId: string;
  query: string;
  limit: number;
}

/** Preferences read from a customer's earlier messages. */
export interface CustomerPreferences {
  /** ISO 639-1 code of the language most of their messages are in. */
  language: string | null;
  /** The plan they last said they are on (`Free`, `Starter`, `Team`, `Business`, `Enterprise`). */
  plan: string | null;
  billingInterval: 'monthly' | 'annual' | null;
}

/** Messages looked at, newest first. */
export const HISTORY_WINDOW = 50;

const PLAN = /\b(?:on|using|have|with|our|my|the)\s+(?:the\s+)?(free|starter|team|business|enterprise)\s+plan\b/i;
const ANNUAL = /\b(?:annual(?:ly)?|yearly|per year|billed annually)\b/i;
const MONTHLY = /\b(?:monthly|per month|month-to-month)\b/i;

/** Earlier relevant messages, then (when anything is known) the preferences passage. */
export async function customerContext(store: Store, input: CustomerContextInput): Promise<Passage[]> {
  const messages = await store.getCustomerHistory({ tenantId: input.tenantId, customerId: input.customerId, excludeConversationId: input.conversationId, limit: HISTORY_WINDOW });
  const history = relevantHistory(messages, input.query, input.limit);
  const preferences = derivePreferences(messages);
  const passage = preferencesPassage(input.customerId, preferences, messages[0]?.createdAt ?? null);
  return passage === null ? history : [...history, passage];
}

/** Messages sharing terms with the query, by the share of query terms they contain, at most `limit`. */
export function relevantHistory(messages: readonly MessageRecord[], query: string, limit: number): Passage[] {
  const queryTerms = new Set(terms(query));
  return messages
    .map((message) => historyPassage(message, overlapScore(queryTerms, message.content)))
    .filter((passage) => passage.score > 0)
    .sort((left, right) => right.score - left.score)
    .slice(0, limit);
}

/** Language (majority of the customer's own messages), plan and billing interval (newest statement wins). */
export function derivePreferences(messages: readonly MessageRecord[]): CustomerPreferences {
  const own = messages.filter((message) => message.role === 'user');
  const languages = new Map<string, number>();
  for (const message of own) {
    const language = detectLanguage(message.content);
    languages.set(language, (languages.get(language) ?? 0) + 1);
  }
  const language = [...languages.entries()].sort((left, right) => right[1] - left[1])[0]?.[0] ?? null;
  let plan: string | null = null;
  let billingInterval: CustomerPreferences['billingInterval'] = null;
  for (const message of own) {
    const planMatch = PLAN.exec(message.content)?.[1];
    if (plan === null && planMatch !== undefined) plan = planMatch[0]?.toUpperCase() + planMatch.slice(1).toLowerCase();
    if (billingInterval === null) billingInterval = ANNUAL.test(message.content) ? 'annual' : MONTHLY.test(message.content) ? 'monthly' : null;
  }
  return { language, plan, billingInterval };
}

function preferencesPassage(customerId: string, preferences: CustomerPreferences, updatedAt: string | null): Passage | null {
  const facts = [
    preferences.language === null ? null : `Writes in: ${preferences.language}.`,
    preferences.plan === null ? null : `Says they are on the ${preferences.plan} plan.`,
    preferences.billingInterval === null ? null : `Billing interval mentioned: ${preferences.billingInterval}.`,
  ].filter((fact) => fact !== null);
  if (facts.length === 0) return null;
  return {
    id: `preferences:${customerId}`,
    source: 'history',
    documentId: `customer:${customerId}`,
    title: 'Customer preferences (derived from earlier conversations)',
    url: null,
    text: facts.join(' '),
    score: 0.5,
    updatedAt,
    untrusted: false,
  };
}

function overlapScore(queryTerms: Set<string>, text: string): number {
  if (queryTerms.size === 0) return 0;
  const textTerms = new Set(terms(text));
  let shared = 0;
  for (const term of queryTerms) if (textTerms.has(term)) shared += 1;
  return shared / queryTerms.size;
}

function historyPassage(message: MessageRecord, score: number): Passage {
  return {
    id: message.id,
    source: 'history',
    documentId: message.conversationId,
    title: `Earlier ${message.role === 'user' ? 'question' : 'answer'} (${message.createdAt.slice(0, 10)})`,
    url: null,
    text: message.content,
    score: Number(score.toFixed(3)),
    updatedAt: message.createdAt,
    untrusted: false,
  };
}
