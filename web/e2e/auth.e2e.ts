/**
 * Authenticated browsers against the real stack: the widget gets its customer token from the integrator's
 * endpoint (and a fresh one after a 401), and the chat opens the sign-in dialog when its WebSocket is
 * refused (which browsers report only as a close).
 */
import { createServer, type Server } from 'node:http';
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, screenshot, seriousViolations } from './browser';
import { mintCustomerToken } from './jwt';

const baseUrl = inject('baseUrl');
const jwtSecret = inject('jwtSecret');
const shopUrl = inject('shopUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
});

/**
 * The integrator's site on its own origin (a real HTTP server on loopback): a page with one script tag, and
 * the endpoint that turns the visitor's session cookie into a short-lived AgentCraft token. The first token
 * it hands out has already expired, so the widget meets a 401 and must fetch another.
 */
async function startShop(): Promise<{ server: Server; minted: string[] }> {
  const minted: string[] = [];
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><main><h1>Brightloom shop</h1></main>
<script src="${baseUrl}/widget.js" data-title="Shop help" data-token-url="/agentcraft-token" async></script></body></html>`;
  const server = createServer((request, response) => {
    if (request.url === '/help') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    } else if (request.url === '/agentcraft-token' && (request.headers.cookie ?? '').includes('shop_session=visitor-7')) {
      const token = mintCustomerToken(jwtSecret, { subject: 'visitor-7', expiresInSeconds: minted.length === 0 ? -600 : 600 });
      minted.push(token);
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ token }));
    } else {
      response.writeHead(request.url === '/agentcraft-token' ? 401 : 404, { 'content-type': 'application/json' }).end('{"error":"no"}');
    }
  });
  const { port } = new URL(shopUrl);
  await new Promise<void>((resolve) => server.listen(Number(port), '127.0.0.1', resolve));
  return { server, minted };
}

describe('widget authentication', () => {
  it('fetches the customer token from the integrator with its cookies, renews it after a 401, and chats as that customer', async () => {
    const { server, minted } = await startShop();
    const context = await browser.newContext();
    await context.addCookies([{ name: 'shop_session', value: 'visitor-7', url: shopUrl }]);
    const page = await context.newPage();
    const chatRequests: Request[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/chat') && request.method() === 'POST') chatRequests.push(request);
    });
    const socketUrls: string[] = [];
    page.on('websocket', (socket) => socketUrls.push(socket.url()));

    try {
      await page.goto(`${shopUrl}/help`);
      await page.getByRole('button', { name: 'Open Shop help' }).click();
      const dialog = page.getByRole('dialog', { name: 'Shop help' });
      await dialog.getByLabel('Your message').fill('How do I rotate an API key?');
      await dialog.getByLabel('Your message').press('Enter');
      await dialog.getByRole('button', { name: 'Source 1' }).first().waitFor({ timeout: 60_000 });

      expect(minted).toHaveLength(2);
      const [expired, fresh] = minted;
      expect(chatRequests.map((request) => request.headers().authorization)).toEqual([`Bearer ${expired}`, `Bearer ${fresh}`]);
      expect(socketUrls.length).toBeGreaterThan(0);
      expect(socketUrls.every((url) => new URL(url).searchParams.get('access_token') === fresh)).toBe(true);

      // The conversation belongs to the token's customer.
      const listed = (await (await page.request.get(`${baseUrl}/api/conversations`, { headers: { authorization: `Bearer ${fresh}` } })).json()) as { conversations: unknown[] };
      expect(listed.conversations).toHaveLength(1);
      await screenshot(page, 'widget-authenticated');
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('refused WebSocket', () => {
  it('opens the sign-in dialog when the socket is refused at upgrade, and resumes after signing in again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const first = mintCustomerToken(jwtSecret, { subject: 'customer-ws', expiresInSeconds: 600 });
    await page.goto(baseUrl);
    await page.evaluate((token) => window.sessionStorage.setItem('agentcraft.credential', token), first);
    await page.reload();
    await page.getByTestId('principal').getByText('customer-ws').waitFor();
    await page.getByLabel('Your message').fill('How do I rotate an API key?');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/c\/[A-Za-z0-9_-]+$/);
    await page.getByTestId('message-assistant').getByRole('button', { name: 'Source 1' }).first().waitFor({ timeout: 60_000 });
    expect(await page.getByRole('dialog', { name: 'Sign in' }).count()).toBe(0);

    // The credential stops being valid while the page is open (here: it is swapped for an expired one
    // behind the app's back); the next reconnection's upgrade is refused with 401.
    const expired = mintCustomerToken(jwtSecret, { subject: 'customer-ws', expiresInSeconds: -600 });
    const refusedRequests: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 401) refusedRequests.push(new URL(response.url()).pathname);
    });
    await page.evaluate((token) => window.sessionStorage.setItem('agentcraft.credential', token), expired);
    await context.setOffline(true);
    await page.locator('[data-connection="offline"]').waitFor();
    await context.setOffline(false);

    const dialog = page.getByRole('dialog', { name: 'Sign in' });
    await dialog.waitFor({ timeout: 30_000 });
    await page.getByText('Live updates stopped: the server did not accept your sign-in.').waitFor();
    // What opened the dialog is the probe that followed the refused socket (no other request was refused first).
    expect(refusedRequests[0]).toBe('/api/auth/me');
    await screenshot(page, 'socket-refused-sign-in');

    await dialog.getByLabel('Bearer token or API key').fill(mintCustomerToken(jwtSecret, { subject: 'customer-ws', expiresInSeconds: 600 }));
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('[data-connection="live"]').waitFor({ state: 'attached', timeout: 30_000 });
    await context.close();
  });
});
