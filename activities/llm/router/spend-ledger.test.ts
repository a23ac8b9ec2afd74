/** One conformance suite for both ledgers: in process, and on the real local PostgreSQL with the real migrations. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test-support/postgres.js';
import type { TestDatabase } from '../../../test-support/postgres.js';
import { migrateToLatest } from '../../persistence/migrations/index.js';
import { InMemorySpendLedger } from './memory-spend-ledger.js';
import { PostgresSpendLedger } from './postgres-spend-ledger.js';
import type { ModelUsageDatabase } from './postgres-spend-ledger.js';
import { utcDay } from './spend-ledger.js';
import type { SpendLedger, SpendReservation } from './spend-ledger.js';
import { FakeClock } from './__fixtures__/scripted-chat-model.js';

let database: TestDatabase;
let db: Kysely<ModelUsageDatabase>;

beforeAll(async () => {
  database = await createTestDatabase();
  db = new Kysely<ModelUsageDatabase>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 4 }) }) });
  await migrateToLatest(db);
});

afterAll(async () => {
  await db.destroy();
  await database.drop();
});

let tenantCounter = 0;
const implementations: [string, (clock: FakeClock) => SpendLedger][] = [
  ['in-memory', (clock) => new InMemorySpendLedger({ clock: clock.now, reservationTtlMs: 60_000 })],
  ['postgres', (clock) => new PostgresSpendLedger({ db, clock: clock.now, reservationTtlMs: 60_000 })],
];

describe.each(implementations)('%s spend ledger', (_name, create) => {
  function fixture() {
    const clock = new FakeClock();
    tenantCounter += 1;
    const tenantId = `tenant-${tenantCounter}-${Math.random().toString(36).slice(2)}`;
    const reservation = (overrides: Partial<SpendReservation> = {}): SpendReservation => ({
      attemptIndex: 0,
      tenantId,
      conversationId: `${tenantId}:conversation`,
      turnId: `${tenantId}:turn`,
      agentId: null,
      purpose: 'agent',
      provider: 'alpha',
      modelId: 'small',
      estimateUsd: 0.01,
      day: utcDay(clock.nowMs),
      at: clock.nowMs,
      ...overrides,
      // Call ids are globally unique in production; the Postgres table is shared by every test here.
      callId: `${tenantId}:${overrides.callId ?? 'call'}`,
    });
    const settle = (callId: string, costUsd: number, attemptIndex = 0) =>
      ledger.settle({ callId: `${tenantId}:${callId}`, attemptIndex, outcome: 'ok', usage: { inputTokens: 100, outputTokens: 10 }, costUsd, latencyMs: 5 });
    const ledger = create(clock);
    return { clock, tenantId, reservation, ledger, settle };
  }

  it('reserves within the budget and refuses with the tightest budget named, counting live reservations', async () => {
    const { ledger, reservation } = fixture();
    const limits = { turnUsd: 0.05, conversationUsd: 0.025 };
    expect(await ledger.reserve(reservation({ callId: 'a' }), limits)).toEqual({ reserved: true });
    expect(await ledger.reserve(reservation({ callId: 'b' }), limits)).toEqual({ reserved: true });
    expect(await ledger.reserve(reservation({ callId: 'c' }), limits)).toEqual({ reserved: false, scope: 'conversation', limitUsd: 0.025, spentUsd: 0.02 });
    // Spending exactly the limit is allowed.
    expect(await ledger.reserve(reservation({ callId: 'd', estimateUsd: 0.005 }), limits)).toEqual({ reserved: true });
  });

  it('settles an attempt once: a second settlement of the same callId and attempt changes nothing', async () => {
    const { ledger, reservation, settle, tenantId } = fixture();
    await ledger.reserve(reservation({ callId: 'x', attemptIndex: 0 }), {});
    await ledger.reserve(reservation({ callId: 'x', attemptIndex: 1 }), {});
    // A Temporal retry has a new callId: billed separately.
    await ledger.reserve(reservation({ callId: 'y', attemptIndex: 0 }), {});
    expect(await settle('x', 0.002)).toBe(true);
    expect(await settle('x', 0.002)).toBe(false);
    expect(await settle('x', 0.003, 1)).toBe(true);
    expect(await settle('y', 0.004)).toBe(true);
    // Reserving an already settled key again does not reopen it.
    await ledger.reserve(reservation({ callId: 'x', attemptIndex: 0 }), {});
    expect(await settle('x', 0.5)).toBe(false);
    const totals = await ledger.totals({ tenantId });
    expect(totals).toEqual({ costUsd: expect.closeTo(0.009, 12) as number, inputTokens: 300, outputTokens: 30, attempts: 3 });
  });

  it('budgets count the settled cost instead of the estimate, and forget stale reservations', async () => {
    const { ledger, reservation, settle, clock } = fixture();
    const limits = { turnUsd: 0.015 };
    await ledger.reserve(reservation({ callId: 'a' }), limits);
    expect((await ledger.reserve(reservation({ callId: 'b' }), limits)).reserved).toBe(false);
    await settle('a', 0.001);
    expect((await ledger.reserve(reservation({ callId: 'b', at: clock.nowMs }), limits)).reserved).toBe(true);
    // b is never settled (its worker died): after the TTL it no longer holds budget.
    expect((await ledger.reserve(reservation({ callId: 'c' }), limits)).reserved).toBe(false);
    clock.advance(60_001);
    expect((await ledger.reserve(reservation({ callId: 'c', at: clock.nowMs }), limits)).reserved).toBe(true);
  });

  it('sums per tenant and day, conversation, turn, agent and model', async () => {
    const { ledger, reservation, settle, tenantId, clock } = fixture();
    const rows: [string, Partial<SpendReservation>, number][] = [
      ['r1', { agentId: 'billing', turnId: 't1' }, 0.001],
      ['r2', { agentId: 'billing', turnId: 't2', provider: 'beta', modelId: 'large' }, 0.01],
      ['r3', { agentId: 'tech', turnId: 't2', conversationId: 'other' }, 0.1],
      ['r4', { agentId: null, turnId: 't3', day: utcDay(clock.nowMs + 86_400_000) }, 1],
    ];
    for (const [callId, overrides, cost] of rows) {
      await ledger.reserve(reservation({ callId, ...overrides }), {});
      await settle(callId, cost);
    }
    await ledger.reserve(reservation({ callId: 'unsettled' }), {});
    const today = utcDay(clock.nowMs);
    expect((await ledger.totals({ tenantId, day: today })).costUsd).toBeCloseTo(0.111, 12);
    expect((await ledger.totals({ tenantId, turnId: 't2' })).attempts).toBe(2);
    expect((await ledger.totals({ tenantId, agentId: 'billing' })).costUsd).toBeCloseTo(0.011, 12);
    expect((await ledger.totals({ conversationId: 'other' })).costUsd).toBeCloseTo(0.1, 12);
    const byModel = await ledger.totalsBy('model', { tenantId });
    expect(byModel.map((row) => [row.key, row.attempts])).toEqual([['alpha/small', 3], ['beta/large', 1]]);
    const byAgent = await ledger.totalsBy('agent', { tenantId });
    expect(byAgent.map((row) => row.key)).toEqual(['', 'billing', 'tech']);
    const byDay = await ledger.totalsBy('day', { tenantId });
    expect(byDay.map((row) => row.key)).toEqual([today, utcDay(clock.nowMs + 86_400_000)]);
  });
});

describe('postgres spend ledger under concurrency', () => {
  it('never lets parallel reservations of one tenant overspend a budget', async () => {
    const ledger = new PostgresSpendLedger({ db });
    const tenantId = `tenant-concurrent-${Date.now()}`;
    const attempts = Array.from({ length: 12 }, (_, index) =>
      ledger.reserve(
        { callId: `${tenantId}:${index}`, attemptIndex: 0, tenantId, conversationId: 'c', turnId: 't', agentId: null, purpose: 'agent', provider: 'p', modelId: 'm', estimateUsd: 0.01, day: utcDay(Date.now()), at: Date.now() },
        { turnUsd: 0.05 },
      ),
    );
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((outcome) => outcome.reserved)).toHaveLength(5);
  });
});
