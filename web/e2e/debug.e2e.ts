import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, screenshot, seriousViolations } from './browser';

const baseUrl = inject('baseUrl');
const temporalUiUrl = inject('temporalUiUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
});

describe('debug console', () => {
  it("shows the turn's timeline, routing, retrieval, model calls, QA and a link to the run", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const response = await page.request.post(`${baseUrl}/api/chat?wait=true`, { data: { message: 'How do I rotate an API key?' } });
    expect(response.status()).toBe(200);
    const turn = (await response.json()) as { conversationId: string; turnId: string; turnWorkflowId: string };

    await page.goto(`${baseUrl}/debug/${turn.conversationId}`);
    const debug = page.getByTestId('turn-debug');
    await debug.waitFor({ timeout: 30_000 });
    const rows = await page.locator('.timeline-row').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-row')));
    expect(rows).toEqual(expect.arrayContaining(['stage:route', 'stage:retrieve', 'stage:agents', 'stage:synthesize', 'stage:qa', 'stage:deliver', 'source:knowledge']));
    expect(rows.some((row) => row?.startsWith('agent:'))).toBe(true);
    // Each agent row lies inside the agents stage on the shared time axis.
    const span = async (id: string) => {
      const row = page.locator(`[data-row="${id}"]`);
      return { offset: Number(await row.getAttribute('data-offset')), duration: Number(await row.getAttribute('data-duration')) };
    };
    const agentsStage = await span('stage:agents');
    const firstAgent = await span(rows.find((row) => row?.startsWith('agent:')) ?? '');
    expect(firstAgent.offset).toBeGreaterThanOrEqual(agentsStage.offset);
    expect(firstAgent.duration).toBeGreaterThan(0);

    await expect.poll(() => page.getByRole('heading', { name: 'Routing decision' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Model calls' }).count()).toBe(1);
    expect(await page.locator('.qa-list li').count()).toBeGreaterThan(0);
    const link = await page.getByTestId('temporal-link').getAttribute('href');
    expect(link).toMatch(new RegExp(`/namespaces/default/workflows/${turn.turnWorkflowId}$`));
    // The run the link names exists in this stack's Temporal (its Web UI's own API answers for it).
    const run = await page.request.get(`${temporalUiUrl}/api/v1/namespaces/default/workflows/${turn.turnWorkflowId}`);
    expect(run.status()).toBe(200);
    await screenshot(page, 'debug-console');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });
});
