/**
 * The host allow-list every web adapter enforces before any request (and on every redirect hop and every
 * URL a vendor returns): exact host names, or `*.example.com` for the subdomains of `example.com`.
 */
import { WebFetchError, WebFetchErrorType } from './web-fetcher.js';

/** Host name as compared: lower case, no trailing dot, IPv6 without brackets. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
}

/** Whether `host` (a bare host name, no port) matches one of the allow-list entries. */
export function isHostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  const candidate = normalizeHost(host);
  return allowedHosts.some((entry) => {
    const pattern = normalizeHost(entry);
    if (pattern.startsWith('*.')) return candidate.endsWith(pattern.slice(1)) && candidate.length > pattern.length - 1;
    return candidate === pattern;
  });
}

/** Parses an absolute http(s) URL and drops its fragment; throws `WebInvalidUrl` otherwise. */
export function parseWebUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebFetchError(WebFetchErrorType.invalidUrl, `Not an absolute URL: ${raw.slice(0, 200)}`, false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebFetchError(WebFetchErrorType.invalidUrl, `Only http(s) URLs can be fetched, not ${url.protocol}`, false);
  }
  url.hash = '';
  return url;
}

/** Parses `raw` and throws `WebHostNotAllowed` unless its host is on the allow-list. */
export function assertUrlAllowed(raw: string, allowedHosts: readonly string[]): URL {
  const url = parseWebUrl(raw);
  if (!isHostAllowed(url.hostname, allowedHosts)) {
    throw new WebFetchError(WebFetchErrorType.hostNotAllowed, `Host ${url.hostname} is not on the allow-list`, false);
  }
  return url;
}

/** Whether `raw` is an http(s) URL on the allow-list (for filtering URLs found on pages or returned by vendors). */
export function isUrlAllowed(raw: string, allowedHosts: readonly string[]): boolean {
  try {
    assertUrlAllowed(raw, allowedHosts);
    return true;
  } catch {
    return false;
  }
}
