import type { Browser } from 'playwright-core';
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

describe('every page', () => {
  it.each([
    ['chat-empty', '/', 'New conversation'],
    ['review', '/review', 'Reviewer queue'],
    ['debug-empty', '/debug', 'Debug console'],
    ['admin', '/admin', 'Admin dashboard'],
  ])('%s renders, degrades gracefully, and has no serious accessibility violation', async (name, route, heading) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${baseUrl}${route}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    // Let each section settle into data, "not available yet", or an error.
    await expect.poll(() => page.locator('[role="status"]:has-text("Loading")').count(), { timeout: 15_000 }).toBe(0);
    await screenshot(page, `page-${name}`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('the embeddable widget opens from one script tag and answers', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${baseUrl}/widget-demo.html`);
    await page.getByRole('button', { name: 'Open Brightloom help' }).click();
    const dialog = page.getByRole('dialog', { name: 'Brightloom help' });
    await dialog.getByLabel('Your message').fill('How do I rotate an API key?');
    await dialog.getByLabel('Your message').press('Enter');
    await dialog.getByRole('button', { name: 'Source 1' }).first().waitFor({ timeout: 60_000 });
    // The widget lives in a shadow root: the host page's CSS cannot reach it.
    expect(await page.evaluate(() => document.getElementById('agentcraft-widget')?.shadowRoot !== null)).toBe(true);
    await screenshot(page, 'widget');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });
});
