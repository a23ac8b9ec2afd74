import type { QaResult } from '../../domain/types.js';
import type { ActivityDependencies } from '../dependencies.js';
import type { TurnRef } from '../events/publisher.js';
import { createStageRecorder } from '../turn/stage-recorder.js';
import { assessQuality, type QualityInput } from './assess-quality.js';
import { redactJson } from './redaction.js';
import { callContextOf } from '../llm/call-context.js';

/**
 * Input of the QA stage. `question`, `route`, `draft` and `sources` are required; the tenant's `policy`
 * overrides, the agents' `agentRules` and every retrieved `passages` (for the injection scan) are optional.
 */
export interface CheckQualityInput extends TurnRef, QualityInput {
  /** The conversation's tenant, for the model-call context of the classifier and judge (when a real model is configured). */
  tenantId?: string;
}

export interface CheckQualityResult extends QaResult {
  /** How long a reviewer has before the turn's fallback applies (from configuration). */
  reviewTimeoutMs: number;
}

export function createQaActivities(dependencies: ActivityDependencies) {
  const { settings, logger, chatModel } = dependencies;
  const stages = createStageRecorder(dependencies);

  async function check(input: CheckQualityInput): Promise<CheckQualityResult> {
    const { conversationId, turnId, tenantId, ...given } = input;
    const tenantPolicy = tenantId === undefined ? undefined : settings.qaPolicies?.[tenantId];
    const quality = given.policy === undefined && tenantPolicy !== undefined ? { ...given, policy: tenantPolicy } : given;
    const assessment = await assessQuality(quality, {
      minConfidence: settings.qaMinConfidence,
      model: chatModel,
      // Attempt-unique, like every other model call (a Temporal retry is a new call, billed for what it uses).
      callOptions: { context: callContextOf({ conversationId, turnId, purpose: 'qa', ...(tenantId === undefined ? {} : { tenantId }) }) },
    });
    const { quarantined, ...result } = assessment;
    logger.info({ conversationId, turnId, outcome: result.outcome, reasons: result.reasons, quarantined: quarantined.length }, 'qa checked');
    return { ...result, reviewTimeoutMs: settings.reviewTimeoutMs };
  }

  return {
    /** QA stage: injection, grounding, PII, policy rules and the confidence threshold (see `assess-quality.ts`). */
    async checkQuality(input: CheckQualityInput): Promise<CheckQualityResult> {
      return stages.run(input, 'qa', () => check(input), (result) => ({
        summary: result.outcome === 'pass' ? 'pass' : `escalate: ${result.reason ?? ''}`,
        trace: { qa: redactJson(result.checks) as QaResult['checks'] },
      }));
    },
  };
}
