import type { Browser, WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, screenshot } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
});

describe('network drop', () => {
  it('reconnects mid-answer and shows the whole answer once, nothing lost or repeated', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const sockets: WebSocket[] = [];
    page.on('websocket', (socket) => sockets.push(socket));
    await page.goto(baseUrl);
    await page.getByLabel('Your message').fill('How do I rotate an API key?');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/c\/[A-Za-z0-9_-]+$/);
    const conversationId = new URL(page.url()).pathname.split('/').at(-1) ?? '';

    // Mid-turn: a specialist is working. Then the network goes away while the turn goes on.
    await page.locator('[data-agent][data-status="running"]').first().waitFor({ timeout: 30_000 });
    await context.setOffline(true);
    await page.locator('[data-connection="offline"]').waitFor();
    await screenshot(page, 'reconnect-offline');
    // Long enough for the server to finish the specialists and stream the answer meanwhile.
    await page.waitForTimeout(4000);
    await context.setOffline(false);

    const answer = page.getByTestId('message-assistant');
    await answer.getByRole('button', { name: 'Source 1' }).first().waitFor({ timeout: 60_000 });
    await page.locator('[data-connection="live"]').waitFor({ state: 'attached' });
    expect(sockets.length).toBeGreaterThanOrEqual(2);

    const stored = (await (await page.request.get(`${baseUrl}/api/conversations/${conversationId}`)).json()) as { messages: { role: string; content: string }[] };
    const storedAnswer = stored.messages.find((message) => message.role === 'assistant')?.content ?? '';
    const shown = (await answer.locator('.markdown').textContent()) ?? '';
    expect(storedAnswer).not.toBe('');
    // The answer shown is the stored answer, once: no chunk lost, none repeated (Markdown marks aside).
    const normalize = (text: string): string => text.replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim();
    expect(normalize(shown)).toBe(normalize(storedAnswer));
    expect(await page.getByTestId('message-user').count()).toBe(1);
    expect(await answer.count()).toBe(1);
    await screenshot(page, 'reconnect-after');
    await context.close();
  });
});
