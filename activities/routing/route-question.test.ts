import { describe, expect, it } from 'vitest';
import type { RouteDecision } from '../../domain/types.js';
import { routeQuestionLexically } from './route-question.js';

const FALLBACK = { agentId: 'success-manager', score: 0, reason: 'no specialist matched; generalist takes it' };

describe('routeQuestionLexically', () => {
  it.each([
    {
      question: 'How do I rotate my API key and verify webhook signatures?',
      agent: { agentId: 'integration-specialist', score: 1, reason: 'matched: rotat, api, kei, webhook, signatur' },
    },
    {
      question: 'Can I get a refund on my invoice, and is VAT included?',
      agent: { agentId: 'billing-expert', score: 1, reason: 'matched: refund, invoic, vat' },
    },
    {
      question: 'How do I set up SSO with SAML and enforce 2FA?',
      agent: { agentId: 'security-expert', score: 1, reason: 'matched: sso, saml, 2fa' },
    },
    {
      question: 'I want GDPR erasure of my data',
      agent: { agentId: 'legal-agent', score: 0.667, reason: 'matched: gdpr, erasur' },
    },
    {
      question: 'Is there an outage? The status page shows degraded',
      agent: { agentId: 'devops-engineer', score: 1, reason: 'matched: outag, statu, degrad' },
    },
  ])('sends "$question" to $agent.agentId alone', ({ question, agent }) => {
    expect(routeQuestionLexically(question)).toEqual<RouteDecision>({
      intent: `${agent.agentId}-question`,
      complexity: 'simple',
      language: 'en',
      agents: [agent],
      confidence: agent.score,
      wantsHuman: false,
    });
  });

  it.each(['What colour is the sky?', ''])('falls back to the generalist with score 0 when nothing matches: %j', (question) => {
    expect(routeQuestionLexically(question)).toEqual<RouteDecision>({
      intent: 'general-question',
      complexity: 'simple',
      language: 'en',
      agents: [FALLBACK],
      confidence: 0,
      wantsHuman: false,
    });
  });

  it('orders several specialists by score', () => {
    const route = routeQuestionLexically('Refund my invoice and VAT, and my webhook API fails');
    expect(route.agents).toEqual([
      { agentId: 'billing-expert', score: 1, reason: 'matched: refund, invoic, vat' },
      { agentId: 'integration-specialist', score: 0.667, reason: 'matched: webhook, api' },
    ]);
    expect(route.intent).toBe('billing-expert-question');
    expect(route.confidence).toBe(1);
    expect(route.complexity).toBe('moderate');
  });

  it('breaks score ties by agent id', () => {
    const route = routeQuestionLexically('My webhook failed and the invoice is wrong');
    expect(route.agents).toEqual([
      { agentId: 'billing-expert', score: 0.333, reason: 'matched: invoic' },
      { agentId: 'integration-specialist', score: 0.333, reason: 'matched: webhook' },
    ]);
  });

  it('drops specialists under half the best score', () => {
    const route = routeQuestionLexically('Refund my invoice and VAT; also the webhook');
    expect(route.agents).toEqual([{ agentId: 'billing-expert', score: 1, reason: 'matched: refund, invoic, vat' }]);
  });

  it('keeps at most three specialists, and three make the question complex', () => {
    const route = routeQuestionLexically(
      'I need a refund on my invoice and my API key leaked and SSO is broken and GDPR erasure and there is an outage',
    );
    expect(route).toEqual<RouteDecision>({
      intent: 'billing-expert-question',
      complexity: 'complex',
      language: 'en',
      agents: [
        { agentId: 'billing-expert', score: 0.667, reason: 'matched: refund, invoic' },
        { agentId: 'integration-specialist', score: 0.667, reason: 'matched: api, kei' },
        { agentId: 'legal-agent', score: 0.667, reason: 'matched: gdpr, erasur' },
      ],
      confidence: 0.667,
      wantsHuman: false,
    });
  });

  it.each(['I want to talk to a human', 'Can I speak to a real person?', 'Please connect me with a representative', 'Transfer me to a human agent'])(
    'sees a request for a person in %j',
    (question) => {
      expect(routeQuestionLexically(question).wantsHuman).toBe(true);
    },
  );

  it.each([
    'We are building a human resources integration',
    'Does the API support human resources data?',
    'Our user agent string is rejected by the API',
    'How do I transfer workspace ownership to another team member?',
  ])('sees no request for a person in %j', (question) => {
    expect(routeQuestionLexically(question).wantsHuman).toBe(false);
  });

  it('still routes a request for a person to the generalist', () => {
    expect(routeQuestionLexically('I want to talk to a human')).toEqual<RouteDecision>({
      intent: 'general-question',
      complexity: 'simple',
      language: 'en',
      agents: [FALLBACK],
      confidence: 0,
      wantsHuman: true,
    });
  });

  it('grades complexity by length and sentence count', () => {
    const words = (count: number) => Array.from({ length: count }, () => 'sky').join(' ');
    expect(routeQuestionLexically(`${words(50)}s`).complexity).toBe('simple'); // 200 characters
    expect(routeQuestionLexically(`${words(50)}ss`).complexity).toBe('moderate'); // 201 characters
    expect(routeQuestionLexically(`${words(150)}s`).complexity).toBe('moderate'); // 600 characters
    expect(routeQuestionLexically(`${words(150)}ss`).complexity).toBe('complex'); // 601 characters
    expect(routeQuestionLexically('One. Two. Three. Four.').complexity).toBe('simple');
    expect(routeQuestionLexically('One. Two. Three. Four. Five.').complexity).toBe('complex');
  });

  it.each([
    { question: 'APIキーを再発行するにはどうすればよいですか', language: 'und' },
    { question: 'Сколько стоит подписка?', language: 'und' },
    { question: 'Héllo, where is my café invoice?', language: 'en' },
  ])('labels $question as $language', ({ question, language }) => {
    expect(routeQuestionLexically(question).language).toBe(language);
  });
});

describe('routeQuestionLexically: regressions', () => {
  it.each([
    'Can I transfer my seat to someone else?',
    'Our chat agent integration stopped working after the update',
    'Can I connect the webhook to our support staff dashboard?',
  ])('does not read a request for a person into %j', (question) => {
    expect(routeQuestionLexically(question).wantsHuman).toBe(false);
  });

  it.each(['Can I talk to a human?', 'Please connect me with a representative', 'I want to speak to a real person', 'Transfer me to an agent, please'])(
    'hears a request for a person in %j',
    (question) => {
      expect(routeQuestionLexically(question).wantsHuman).toBe(true);
    },
  );

  it('keeps a specialist whose unrounded score is exactly half the best', () => {
    expect(routeQuestionLexically('Refund my invoice: the webhook failed').agents.map((agent) => agent.agentId)).toEqual([
      'billing-expert',
      'integration-specialist',
    ]);
  });

  it('does not send "person" to the legal agent', () => {
    expect(routeQuestionLexically('Who is the person responsible for my account?').agents.map((agent) => agent.agentId)).not.toContain('legal-agent');
  });
});
