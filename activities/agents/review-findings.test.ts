import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentFinding } from '../../domain/types.js';
import { OfflineChatModel } from '../llm/offline-model.js';
import { startActivityHarness, type ActivityHarness } from './__fixtures__/activity-harness.js';
import { claim, finding, passage } from './__fixtures__/findings.js';
import { ScriptedChatModel } from './__fixtures__/scripted-chat-model.js';
import { applyStances, offlineStances } from './blackboard.js';
import { createBlackboardActivities, type ReviewFindingsInput } from './review-findings.js';

const oldFaq = passage('refund-faq#0', 'Annual plans are refundable within 14 days of purchase.', { updatedAt: '2025-03-01T00:00:00.000Z' });
const policy = passage('refund-policy#0', 'Annual plans are refundable within 30 days of purchase. Refunds reach your card within 5 business days.', {
  updatedAt: '2026-02-01T00:00:00.000Z',
});
const legalNote = passage('terms#4', 'Refunds go back to the original payment method. Annual plans are refundable within 30 days of purchase.');
const given = [policy, oldFaq, legalNote];
const question = 'Can I get a refund on my annual plan, and when does the money reach my card?';

const billing = finding('billing-expert', [claim('Annual plans are refundable within 30 days of purchase.', policy), claim('Refunds reach your card within 5 business days.', policy)], [policy]);
const success = finding('success-manager', [claim('Annual plans are refundable within 14 days of purchase.', oldFaq)], [oldFaq]);
const legal = finding('legal-agent', [claim('Refunds go back to the original payment method.', legalNote)], [legalNote]);
const blackboard = [billing, success, legal];

describe('offline blackboard stances', () => {
  it('refines: replaces its own claim when another agent cites a fresher source, and adopts evidence for what it missed', () => {
    const stances = offlineStances('success-manager', question, blackboard, given);
    expect(stances.map((stance) => [stance.kind, stance.target?.agentId ?? null, stance.claim?.text ?? null, stance.passageIds])).toEqual([
      ['refine', 'success-manager', 'Annual plans are refundable within 30 days of purchase.', ['refund-policy#0']],
      ['refine', null, 'Refunds reach your card within 5 business days.', ['refund-policy#0']],
    ]);
    expect(stances[0]?.reason).toBe('a fresher source (refund-policy#0) says otherwise than mine');
    const { claims, passages } = applyStances(success, stances, given);
    expect(claims).toEqual([claim('Annual plans are refundable within 30 days of purchase.', policy), claim('Refunds reach your card within 5 business days.', policy)]);
    expect(passages).toEqual([policy]);
  });

  it('contests another claim with its own fresher evidence', () => {
    const stances = offlineStances('billing-expert', question, blackboard, given);
    expect(stances).toEqual([
      {
        agentId: 'billing-expert',
        kind: 'contest',
        target: { agentId: 'success-manager', claimIndex: 0, text: 'Annual plans are refundable within 14 days of purchase.' },
        claim: claim('Annual plans are refundable within 30 days of purchase.', policy),
        passageIds: ['refund-policy#0'],
        reason: 'my source (refund-policy#0) states: "Annual plans are refundable within 30 days of purchase."',
      },
    ]);
    // Its claims already state the counter-claim: nothing to add.
    expect(applyStances(billing, stances, given).claims).toEqual(billing.claims);
  });

  it('confirms a claim its own passages state, adopts one for the part it missed, and contests with a sentence of its passages', () => {
    const stances = offlineStances('legal-agent', question, blackboard, given);
    expect(stances.map((stance) => [stance.kind, stance.target?.agentId, stance.target?.claimIndex, stance.claim?.text ?? null, stance.passageIds])).toEqual([
      ['confirm', 'billing-expert', 0, null, ['terms#4']],
      ['refine', undefined, undefined, 'Refunds reach your card within 5 business days.', ['refund-policy#0']],
      ['contest', 'success-manager', 0, 'Annual plans are refundable within 30 days of purchase.', ['terms#4']],
    ]);
    // The counter-claim joins its finding, so synthesis weighs both sides.
    expect(applyStances(legal, stances, given).claims.map((item) => item.text)).toEqual([
      'Refunds go back to the original payment method.',
      'Refunds reach your card within 5 business days.',
      'Annual plans are refundable within 30 days of purchase.',
    ]);
  });

  it('takes no stance on claims it has no evidence about', () => {
    const webhooks = passage('webhooks#0', 'Webhooks are retried for up to 24 hours.');
    const integration = finding('integration-specialist', [claim('Webhooks are retried for up to 24 hours.', webhooks)], [webhooks]);
    expect(offlineStances('integration-specialist', 'How long are webhooks retried?', [integration, billing], [webhooks, policy])).toEqual([]);
  });

  it('never lets a stance cite a passage the agents were not given', () => {
    const stance = { agentId: 'success-manager', kind: 'refine' as const, target: null, claim: { text: 'Invented.', passageIds: ['made-up#0'] }, passageIds: ['made-up#0'], reason: 'x' };
    expect(applyStances(success, [stance], given).claims).toEqual(success.claims);
  });
});

describe('reviewFindings', () => {
  let harness: ActivityHarness;
  beforeAll(async () => {
    harness = await startActivityHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  async function inputOf(agentId: string, findings: AgentFinding[] = blackboard): Promise<ReviewFindingsInput> {
    return { ...(await harness.newTurn()), agentId, question, findings, passages: given };
  }

  it('offline: returns the refined round-2 finding with its stances, draft, confidence and metrics, and no model call', async () => {
    const input = await inputOf('success-manager');
    const { finding: reviewed, stances } = await createBlackboardActivities(harness.dependencies(new OfflineChatModel())).reviewFindings(input);
    expect(stances.map((stance) => stance.kind)).toEqual(['refine', 'refine']);
    expect(reviewed).toMatchObject({ agentId: 'success-manager', round: 2, stances, passages: [policy], startedAt: success.startedAt });
    expect(reviewed.claims.map((item) => item.text)).toEqual(['Annual plans are refundable within 30 days of purchase.', 'Refunds reach your card within 5 business days.']);
    expect(reviewed.draft).toBe('Success Manager: Annual plans are refundable within 30 days of purchase. [1] Refunds reach your card within 5 business days. [1]');
    expect(reviewed.confidence).toBeGreaterThan(success.confidence);
    expect(reviewed.reviewCall).toBeUndefined();
    expect(reviewed.metrics).toMatchObject({ inputTokens: 10, outputTokens: 5, claims: 2 });
    const events = await harness.events(input.conversationId);
    expect(events.map((event) => [event.type, event.payload.round, event.payload.stances])).toEqual([['agent-finished', 2, { confirm: 0, refine: 2, contest: 0 }]]);
  });

  it('with a real model: keeps only stances on blackboard claims that cite given passages, and records the call', async () => {
    const model = new ScriptedChatModel([
      JSON.stringify({
        stances: [
          { kind: 'confirm', target: 1, claim: null, reason: 'same policy' },
          { kind: 'contest', target: 3, claim: { text: 'Annual plans are refundable within 30 days of purchase.', citations: [1] }, reason: 'newer policy' },
          { kind: 'contest', target: 9, claim: { text: 'Out of range.', citations: [1] }, reason: 'no such claim' },
          { kind: 'refine', target: null, claim: { text: 'Uncited.', citations: [] }, reason: 'no evidence' },
        ],
      }),
    ]);
    const { finding: reviewed, stances } = await createBlackboardActivities(harness.dependencies(model)).reviewFindings(await inputOf('legal-agent'));
    expect(model.requests[0]).toMatchObject({ purpose: 'agent-review', responseFormat: { name: 'agent_review' } });
    expect(model.requests[0]?.messages[0]?.content).toContain('3. (success-manager) Annual plans are refundable within 14 days of purchase. [2]');
    expect(stances.map((stance) => [stance.kind, stance.target?.agentId, stance.passageIds])).toEqual([
      ['confirm', 'billing-expert', []],
      ['contest', 'success-manager', ['refund-policy#0']],
    ]);
    expect(reviewed.passages.map((item) => item.id)).toEqual(['terms#4', 'refund-policy#0']);
    expect(reviewed.reviewCall).toMatchObject({ purpose: 'agent-review', costUsd: 0.0012, agentId: 'legal-agent' });
    expect(reviewed.metrics).toMatchObject({ inputTokens: 110, outputTokens: 25, costUsd: 0.0012 });
  });

  it('with a real model that replies with invalid JSON: falls back to the evidence-based review', async () => {
    const model = new ScriptedChatModel(['I agree with everyone.']);
    const { stances, finding: reviewed } = await createBlackboardActivities(harness.dependencies(model)).reviewFindings(await inputOf('billing-expert'));
    expect(stances.map((stance) => stance.kind)).toEqual(['contest']);
    expect(reviewed.reviewCall?.purpose).toBe('agent-review');
  });

  it('refuses to review for an agent without a first-round finding', async () => {
    const activities = createBlackboardActivities(harness.dependencies(new OfflineChatModel()));
    await expect(activities.reviewFindings(await inputOf('devops-engineer'))).rejects.toThrow('No first-round finding of agent "devops-engineer" to review');
  });
});
