/**
 * Safety rules of webhook endpoints shared by the API (at creation) and the delivery activity (at connect
 * time): which addresses are public, and the signing secret format.
 */
import { randomBytes } from 'node:crypto';
import ipaddr from 'ipaddr.js';

/** A fresh Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Only globally routable unicast addresses are public (IPv4-mapped IPv6 is judged as IPv4). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/** The URL's host without IPv6 brackets. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * The hostname of a URL given as an IP literal or `localhost`, when it is not public: refused when an endpoint
 * is created (names are checked when a delivery connects).
 */
export function literalPrivateHost(url: URL): string | null {
  const host = bareHostname(url);
  if (host === 'localhost' || host.endsWith('.localhost')) return host;
  return ipaddr.isValid(host) && !isPublicAddress(host) ? host : null;
}
