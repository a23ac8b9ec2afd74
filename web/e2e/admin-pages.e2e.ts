/**
 * The knowledge, API keys, webhooks and audit pages, and the development-mode banner, against the real
 * server (development mode: every request acts as the all-roles `dev-user`). A page whose API has not
 * landed on this server is still checked for rendering and accessibility; its scenario skips, saying why.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, type TestContext } from 'vitest';
import { launchBrowser, screenshot, seriousViolations } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;
const served: Record<string, boolean> = {};

async function isServed(path: string): Promise<boolean> {
  const response = await fetch(`${baseUrl}${path}`);
  return response.status !== 404;
}

function skipUnless(context: TestContext, key: string, endpoint: string): void {
  if (served[key] === true) return;
  const reason = `${endpoint} answers 404 on this server: that API has not landed`;
  process.stderr.write(`SKIPPED ${context.task.name}: ${reason}\n`);
  context.skip(reason);
}

beforeAll(async () => {
  browser = await launchBrowser();
  served.me = await isServed('/api/auth/me');
  served.knowledge = await isServed('/api/knowledge/sources');
  served.keys = await isServed('/api/auth/keys');
  served.webhooks = await isServed('/api/webhooks');
  served.audit = await isServed('/api/audit');
});
afterAll(async () => {
  await browser.close();
});

async function open(route: string, heading: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${baseUrl}${route}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await expect.poll(() => page.locator('[role="status"]:has-text("Loading"), [role="status"]:has-text("Checking who you are")').count(), { timeout: 15_000 }).toBe(0);
  return page;
}

describe('admin pages', () => {
  it.each([
    ['admin-knowledge', '/admin/knowledge', 'Knowledge'],
    ['admin-keys', '/admin/keys', 'API keys'],
    ['admin-webhooks', '/admin/webhooks', 'Webhooks'],
    ['admin-audit', '/admin/audit', 'Audit log'],
  ])('%s renders and has no serious accessibility violation', async (name, route, heading) => {
    const page = await open(route, heading);
    await screenshot(page, `page-${name}`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('development mode is announced on every page by a persistent banner, with the all-roles principal', async (context) => {
    skipUnless(context, 'me', 'GET /api/auth/me');
    const page = await open('/', 'New conversation');
    const banner = page.getByRole('note', { name: 'Development mode' });
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Development mode — no authentication.');
    expect(await page.getByTestId('principal').textContent()).toContain('dev-user');
    await page.getByRole('link', { name: 'Admin', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Admin dashboard' }).waitFor();
    expect(await banner.isVisible()).toBe(true);
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Knowledge' }).click();
    await page.getByRole('heading', { level: 1, name: 'Knowledge' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('uploads a Markdown document, sees it indexed in the Uploads source, and finds it by search with provenance', async (context) => {
    skipUnless(context, 'knowledge', 'GET /api/knowledge/sources');
    const page = await open('/admin/knowledge', 'Knowledge');
    const markdown = '# Parrot care\n\n## Feeding\n\nFeed the e2e parrot Zanzibar seeds twice a day; never avocado.\n';
    await page.getByLabel('Choose files…').setInputFiles({ name: 'parrot-care.md', mimeType: 'text/markdown', buffer: Buffer.from(markdown) });
    const upload = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem').filter({ hasText: 'parrot-care.md' });
    await upload.getByText('Uploaded — being indexed.').waitFor({ timeout: 30_000 });
    await screenshot(page, 'knowledge-uploaded');

    // The Uploads source appears (created on first use) and its document is indexed by the ingestion workflow.
    const sources = page.getByRole('table', { name: 'Knowledge sources' });
    await sources.getByRole('rowheader', { name: /Uploads/ }).waitFor({ timeout: 30_000 });
    // Opened once, the list follows by itself: the page polls the sources fast after an upload, and the list
    // reloads when its source's document count changes. (Re-opening it to refresh would count a list that is
    // still loading.)
    await page.getByRole('button', { name: /^Documents of Uploads/ }).click();
    const documents = page.getByRole('table', { name: /^Documents of Uploads/ });
    await documents.getByRole('rowheader', { name: /Parrot care/ }).waitFor({ timeout: 45_000 });

    const search = page.getByRole('search', { name: 'Search the knowledge base' });
    await search.getByLabel('Search query').fill('Zanzibar seeds');
    await search.getByRole('button', { name: 'Search' }).click();
    const hit = page.getByRole('list', { name: 'Search results' }).getByRole('listitem').first();
    await hit.waitFor({ timeout: 30_000 });
    expect(await hit.textContent()).toMatch(/Zanzibar/);
    expect(await hit.textContent()).toMatch(/Fused score/);
    await screenshot(page, 'knowledge-search');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('creates an API key whose secret is shown once, revokes it, and finds both in the audit log', async (context) => {
    skipUnless(context, 'keys', 'GET /api/auth/keys');
    const page = await open('/admin/keys', 'API keys');
    const form = page.getByRole('form', { name: 'New API key' });
    const name = `e2e key ${Date.now()}`;
    await form.getByLabel('Name').fill(name);
    await form.getByRole('button', { name: 'Create key' }).click();
    const reveal = page.getByTestId('secret-reveal');
    await reveal.waitFor();
    const secret = await reveal.getByLabel('Secret').inputValue();
    expect(secret).toMatch(/^ack_/);
    await screenshot(page, 'api-key-secret');
    expect(await seriousViolations(page)).toEqual([]);

    // The key works against the API, until it is revoked.
    expect((await fetch(`${baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
    await reveal.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.getByText(secret).count()).toBe(0);
    await page.getByRole('button', { name: `Revoke ${name}` }).click();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText(`Key “${name}” revoked.`).waitFor();
    expect((await fetch(`${baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);

    if (served.audit !== true) return;
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Audit log' }).click();
    const log = page.getByRole('table', { name: 'Audit log' });
    await log.waitFor();
    expect(await log.getByText('api-key.create').count()).toBeGreaterThan(0);
    expect(await log.getByText('api-key.revoke').count()).toBeGreaterThan(0);
    await page.getByLabel('Action').fill('api-key.revoke');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('heading', { name: 'Entries with action “api-key.revoke”' }).waitFor();
    await expect.poll(() => log.getByText('api-key.create').count()).toBe(0);
    await screenshot(page, 'audit-filtered');
    await page.close();
  });

  it('adds a webhook endpoint whose signing secret is shown once, then deletes it after confirmation', async (context) => {
    skipUnless(context, 'webhooks', 'GET /api/webhooks');
    const page = await open('/admin/webhooks', 'Webhooks');
    const form = page.getByRole('form', { name: 'New webhook endpoint' });
    await form.getByLabel('Receiver URL').fill('https://hooks.example.com/agentcraft');
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    const reveal = page.getByTestId('secret-reveal');
    await reveal.waitFor();
    expect(await reveal.getByLabel('Secret').inputValue()).toMatch(/^whsec_/);
    const endpoints = page.getByRole('table', { name: 'Webhook endpoints' });
    await endpoints.getByRole('rowheader', { name: /hooks\.example\.com/ }).waitFor();
    await screenshot(page, 'webhooks-created');
    expect(await seriousViolations(page)).toEqual([]);
    await endpoints.getByRole('button', { name: 'Delete endpoint https://hooks.example.com/agentcraft' }).click();
    await endpoints.getByRole('button', { name: 'Delete endpoint', exact: true }).click();
    await page.getByText('Endpoint https://hooks.example.com/agentcraft deleted.').waitFor();
    await page.close();
  });
});
