/** The conversation workflow's message validators, as pure functions over its carried state. */
import { describe, expect, it } from 'vitest';
import { initialCarry, validatePendingTurns } from './conversation-state.js';

const carryWith = (queued: number, status: 'active' | 'human_takeover' = 'active') => {
  const carry = initialCarry({ conversationId: 'c', tenantId: 't', customerId: null });
  carry.status = status;
  carry.pending = Array.from({ length: queued }, (_, index) => ({ turnId: `c.${index + 2}`, turnNumber: index + 2, message: 'm', metadata: {} }));
  return carry;
};

describe('validatePendingTurns', () => {
  it('counts the running turn and the queued ones against the cap', () => {
    expect(() => validatePendingTurns(carryWith(1), { message: 'm', maxPendingTurns: 3 }, 1)).not.toThrow();
    expect(() => validatePendingTurns(carryWith(2), { message: 'm', maxPendingTurns: 3 }, 1)).toThrow(
      expect.objectContaining({ type: 'TooManyPendingTurns', nonRetryable: true, message: 'The conversation already has 3 turns running or queued (at most 3); retry when one finishes' }),
    );
    expect(() => validatePendingTurns(carryWith(3), { message: 'm', maxPendingTurns: 3 }, 0)).toThrow(expect.objectContaining({ type: 'TooManyPendingTurns' }));
  });

  it('does not limit without a cap, nor while a person has the conversation', () => {
    expect(() => validatePendingTurns(carryWith(50), { message: 'm' }, 1)).not.toThrow();
    expect(() => validatePendingTurns(carryWith(5, 'human_takeover'), { message: 'm', maxPendingTurns: 1 }, 1)).not.toThrow();
  });

  it('refuses a cap that is not a positive integer as invalid input', () => {
    for (const maxPendingTurns of [0, -1, 1.5, Number.NaN]) {
      expect(() => validatePendingTurns(carryWith(0), { message: 'm', maxPendingTurns }, 0)).toThrow(expect.objectContaining({ type: 'InvalidInput' }));
    }
  });
});
