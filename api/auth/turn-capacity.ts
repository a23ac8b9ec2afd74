/**
 * The cap on turns per conversation. The conversation workflow already runs turns one at a time; this
 * caps how many may wait behind the running one, so one client cannot queue unbounded LLM work. Over the
 * cap: 429 `too_many_pending_turns` with `Retry-After` (back-pressure, like a rate limit: the same message
 * succeeds once a turn finishes) rather than 409, which would say the request conflicts with the state.
 * Within one API process, check and send are serialized per conversation, so concurrent messages cannot
 * slip past the cap together; across processes the cap is approximate (at most one extra per process).
 */
import type { Client } from '@temporalio/client';
import { conversationWorkflowId } from '../../domain/constants.js';
import { getState } from '../../workflows/messages.js';
import { toApiError } from '../conversation-client.js';
import { ApiError, ErrorCode } from '../errors.js';

const RETRY_AFTER_SECONDS = 5;

export class TurnCapacity {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(
    private readonly temporal: Client,
    readonly maxPendingTurns: number,
    private readonly timeoutMs: number,
  ) {}

  /** Runs `send` once the conversation has room for another turn; throws 429 when it has none. */
  async run<T>(conversationId: string, send: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(conversationId) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(async () => {
      await this.assertRoom(conversationId);
      return await send();
    });
    this.tails.set(conversationId, current);
    try {
      return await current;
    } finally {
      if (this.tails.get(conversationId) === current) this.tails.delete(conversationId);
    }
  }

  private async assertRoom(conversationId: string): Promise<void> {
    let pending: number;
    try {
      const state = await this.temporal.connection.withDeadline(Date.now() + this.timeoutMs, () => this.temporal.workflow.getHandle(conversationWorkflowId(conversationId)).query(getState));
      pending = state.queuedTurns + (state.activeTurn === null ? 0 : 1);
    } catch (error) {
      // Unknown or closed conversations are reported by the send itself (404 / 409).
      const mapped = toApiError(error);
      if (mapped instanceof ApiError && mapped.status === 404) return;
      throw mapped;
    }
    if (pending >= this.maxPendingTurns) {
      throw new ApiError(429, ErrorCode.tooManyPendingTurns, `The conversation already has ${pending} turns running or queued (at most ${this.maxPendingTurns}); retry when one finishes`, {
        headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
      });
    }
  }
}
