import { describe, expect, it } from 'vitest';
import { isHostAllowed } from './allowed-hosts.js';
import { HostRateLimiter } from './host-rate-limiter.js';

describe('HostRateLimiter', () => {
  it('lets one request per interval start for a host, in order, and never holds up other hosts', async () => {
    const delayed: string[] = [];
    const started: string[] = [];
    const limiter = new HostRateLimiter({ ratePerSecond: 20, onDelay: (host) => delayed.push(host) });
    const acquire = (host: string, label: string): Promise<void> => limiter.acquire(host).then(() => void started.push(label));
    await Promise.all([acquire('a.test', 'a1'), acquire('a.test', 'a2'), acquire('a.test', 'a3'), acquire('b.test', 'b1')]);
    expect(started.filter((label) => label.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    // b1 started before a2 had its turn: hosts do not share a queue.
    expect(started.indexOf('b1')).toBeLessThan(started.indexOf('a2'));
    expect(delayed).toEqual(['a.test', 'a.test']);
  });

  it('gives up waiting when the signal aborts', async () => {
    const limiter = new HostRateLimiter({ ratePerSecond: 0.01 });
    await limiter.acquire('slow.test');
    const controller = new AbortController();
    const waiting = limiter.acquire('slow.test', controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
  });
});

describe('isHostAllowed', () => {
  it('matches exact hosts and *.subdomain patterns, case- and trailing-dot-insensitively', () => {
    const allowed = ['docs.example.com', '*.acme.test', '127.0.0.1', '[::1]'];
    expect(isHostAllowed('DOCS.example.com.', allowed)).toBe(true);
    expect(isHostAllowed('example.com', allowed)).toBe(false);
    expect(isHostAllowed('evil-docs.example.com', allowed)).toBe(false);
    expect(isHostAllowed('www.acme.test', allowed)).toBe(true);
    expect(isHostAllowed('a.b.acme.test', allowed)).toBe(true);
    expect(isHostAllowed('acme.test', allowed)).toBe(false);
    expect(isHostAllowed('notacme.test', allowed)).toBe(false);
    expect(isHostAllowed('127.0.0.1', allowed)).toBe(true);
    expect(isHostAllowed('[::1]', allowed)).toBe(true);
    expect(isHostAllowed('anything', [])).toBe(false);
  });
});
