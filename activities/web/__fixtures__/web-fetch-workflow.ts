/**
 * A test-only workflow that fetches one page through an activity with a short retry policy, so the
 * `toActivityFailure` mapping is checked against a real Temporal server and worker.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { WebPage } from '../web-fetcher.js';

export interface WebFetchActivities {
  fetchWebPage(input: { url: string; allowedHosts: string[] }): Promise<WebPage>;
}

const { fetchWebPage } = proxyActivities<WebFetchActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3, initialInterval: '10 ms', backoffCoefficient: 1 },
});

export async function webFetchWorkflow(input: { url: string; allowedHosts: string[] }): Promise<string> {
  const page = await fetchWebPage(input);
  return page.markdown;
}
