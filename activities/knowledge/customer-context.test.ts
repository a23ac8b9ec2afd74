import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../persistence/store.js';
import { derivePreferences, relevantHistory } from './customer-context.js';

let sequence = 0;
const message = (role: MessageRecord['role'], content: string): MessageRecord => {
  sequence += 1;
  return { id: `m${sequence}`, conversationId: `c${sequence}`, turnId: `t${sequence}`, role, content, citations: [], confidence: null, createdAt: `2025-05-${String(10 + sequence).padStart(2, '0')}T10:00:00.000Z` };
};

describe('derivePreferences', () => {
  it("reads language, plan and billing interval from the customer's own messages, newest statement first", () => {
    const history = [
      message('user', 'Wir sind jetzt auf dem Business-Plan und zahlen jährlich, wie funktioniert SSO?'),
      message('user', 'We moved to the Business plan last week.'),
      message('assistant', 'You are on the Starter plan, paid monthly.'),
      message('user', 'Hallo, wir nutzen Brightloom seit zwei Jahren und brauchen Hilfe mit Rechnungen.'),
      message('user', 'We are on the Team plan and pay per month.'),
    ];
    expect(derivePreferences(history)).toEqual({ language: 'de', plan: 'Business', billingInterval: 'monthly' });
  });

  it('knows nothing from no messages', () => {
    expect(derivePreferences([])).toEqual({ language: null, plan: null, billingInterval: null });
  });
});

describe('relevantHistory', () => {
  it('keeps messages sharing terms with the question, best first, up to the limit', () => {
    const history = [message('user', 'How do refunds work?'), message('assistant', 'Refunds for annual plans within 14 days.'), message('user', 'Thanks!')];
    const passages = relevantHistory(history, 'annual plan refunds', 5);
    expect(passages.map((passage) => passage.text)).toEqual(['Refunds for annual plans within 14 days.', 'How do refunds work?']);
    expect(passages[0]).toMatchObject({ source: 'history', untrusted: false, title: expect.stringMatching(/^Earlier answer \(2025-05-\d\d\)$/) as unknown });
    expect(relevantHistory(history, 'annual plan refunds', 1)).toHaveLength(1);
  });
});
