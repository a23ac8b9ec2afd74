import { Context } from '@temporalio/activity';
import type { EventType } from '../../domain/constants.js';
import type { EventLog } from './event-log.js';

/** What every published event needs to know about its turn. */
export interface TurnRef {
  conversationId: string;
  turnId: string;
}

/**
 * Publishes one event of a turn. With `once`, the event is keyed by turn + `once` so an activity retry
 * (or a replayed local activity) never publishes it twice.
 */
export async function publishEvent(
  eventLog: EventLog,
  turn: TurnRef,
  type: EventType,
  payload: Record<string, unknown>,
  once?: string,
): Promise<number> {
  const event = { type, turnId: turn.turnId, at: new Date().toISOString(), payload };
  const options = once === undefined ? undefined : { dedupeKey: `${turn.turnId}:${type}:${once}` };
  return eventLog.append(turn.conversationId, event, options);
}

/** The workflow id of the current activity (undefined outside an activity context). */
export function activityWorkflowId(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.workflowId;
  } catch {
    return undefined;
  }
}

/** The current activity attempt (1 outside an activity context, e.g. in unit tests). */
export function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}
