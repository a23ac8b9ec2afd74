import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, screenshot, seriousViolations } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
});

async function ask(page: Page, question: string): Promise<string> {
  await page.getByLabel('Your message').fill(question);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/c\/[A-Za-z0-9_-]+$/);
  return new URL(page.url()).pathname.split('/').at(-1) ?? '';
}

describe('chat', () => {
  it('streams an answer with specialists at work, numbered citations that open their passage, and a confidence', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(baseUrl);
    await ask(page, 'How do I rotate an API key?');

    const log = page.getByRole('log', { name: 'Conversation' });
    // While the specialists work, their chips say so.
    await log.locator('[data-agent][data-status="running"]').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'chat-working');

    const answer = log.getByTestId('message-assistant');
    await answer.getByRole('button', { name: 'Source 1' }).first().waitFor({ timeout: 60_000 });
    await expect.poll(() => answer.getAttribute('aria-busy')).toBe('false');
    expect(await log.getByTestId('message-user').count()).toBe(1);
    expect(await answer.count()).toBe(1);
    expect(await answer.textContent()).toMatch(/rotat/i);
    expect(await answer.getByRole('meter').getAttribute('aria-label')).toMatch(/^Confidence \d+%$/);

    await answer.getByRole('button', { name: 'Source 1' }).first().click();
    const passage = page.getByRole('region', { name: 'Passage cited as 1' });
    expect((await passage.textContent())?.length).toBeGreaterThan(20);
    expect(await passage.getByRole('link').getAttribute('href')).toMatch(/^https:\/\//);
    await screenshot(page, 'chat-answer-with-citation');

    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('is readable on a phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(baseUrl);
    await ask(page, 'How do I invite a teammate?');
    await page.getByTestId('message-assistant').locator('.message-meta').waitFor({ timeout: 60_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'chat-phone');
    await context.close();
  });
});
