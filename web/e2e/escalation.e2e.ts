import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, screenshot } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;
let escalationsStatus = 0;

beforeAll(async () => {
  browser = await launchBrowser();
  escalationsStatus = (await fetch(`${baseUrl}/api/escalations?status=pending`)).status;
});
afterAll(async () => {
  await browser.close();
});

describe('escalation and review', () => {
  it('an escalated question is approved by a reviewer in a second browser context', async (context) => {
    if (escalationsStatus === 404) {
      const reason = 'GET /api/escalations answers 404: the escalations API (issue 6) has not landed, so there is no queue to review';
      process.stderr.write(`SKIPPED escalation e2e: ${reason}\n`);
      context.skip(reason);
    }
    const customer = await browser.newContext();
    const reviewer = await browser.newContext();
    const customerPage = await customer.newPage();
    await customerPage.goto(baseUrl);
    await customerPage.getByLabel('Your message').fill('I want to talk to a human about my invoice');
    await customerPage.keyboard.press('Enter');
    await customerPage.waitForURL(/\/c\/[A-Za-z0-9_-]+$/);
    const conversationId = new URL(customerPage.url()).pathname.split('/').at(-1) ?? '';
    await customerPage.getByText('A specialist is reviewing this answer').waitFor({ timeout: 60_000 });
    await screenshot(customerPage, 'escalation-customer-waiting');

    const reviewerPage = await reviewer.newPage();
    await reviewerPage.goto(`${baseUrl}/review`);
    await reviewerPage.getByLabel('Your name').fill('e2e-reviewer');
    const card = reviewerPage.locator('article.escalation', { has: reviewerPage.locator(`a[href^="/debug/${conversationId}/"]`) });
    await card.waitFor({ timeout: 30_000 });
    await screenshot(reviewerPage, 'review-queue');
    await card.getByRole('button', { name: 'Approve' }).click();
    await reviewerPage.getByTestId('review-announcement').getByText(/Decision sent: approve/).waitFor();
    // Decided escalations leave the queue.
    await card.waitFor({ state: 'detached', timeout: 15_000 });

    const answer = customerPage.getByTestId('message-assistant');
    await answer.getByText('Reviewed by e2e-reviewer').waitFor({ timeout: 60_000 });
    expect(await answer.count()).toBe(1);
    await screenshot(customerPage, 'escalation-customer-answered');
    await customer.close();
    await reviewer.close();
  });
});
