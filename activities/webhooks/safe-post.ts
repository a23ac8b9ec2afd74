/**
 * The one HTTP call of a webhook delivery: a POST with a timeout that, unless private addresses are allowed,
 * refuses to connect to loopback, private, link-local and other non-public addresses. The check runs in the
 * socket's DNS lookup, so the address checked is the address connected to (no DNS-rebinding window).
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { bareHostname, isPublicAddress } from '../../domain/webhook-security.js';

/** Thrown when the endpoint resolves to an address deliveries may not reach. */
export class ForbiddenAddressError extends Error {
  constructor(hostname: string, address: string) {
    super(`${hostname} resolves to ${address}, a non-public address (set AGENTCRAFT_WEBHOOK_ALLOW_PRIVATE=true to allow)`);
    this.name = 'ForbiddenAddressError';
  }
}

/** A DNS lookup that fails when any resolved address is not public. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error !== null) {
      callback(error, '', 4);
      return;
    }
    const forbidden = addresses.find((entry) => !isPublicAddress(entry.address));
    if (forbidden !== undefined) {
      callback(Object.assign(new ForbiddenAddressError(hostname, forbidden.address), { code: 'EFORBIDDENADDRESS' }), '', 4);
      return;
    }
    if (options.all === true) (callback as unknown as (error: null, all: dns.LookupAddress[]) => void)(null, addresses);
    else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
  });
};

export interface PostOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivateAddresses: boolean;
}

export interface PostResult {
  statusCode: number;
  /** `Retry-After` in seconds, when the receiver sent a number. */
  retryAfterSeconds: number | null;
}

/** At most this much of the answer is read (and thrown away): receivers should answer quickly and briefly. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** POSTs the body; resolves with the status code, rejects on network errors, timeouts and forbidden addresses. */
export function postWebhook(options: PostOptions): Promise<PostResult> {
  const url = new URL(options.url);
  const client = url.protocol === 'https:' ? https : http;
  // Sockets skip the DNS lookup for IP literals, so those are checked here.
  const literal = bareHostname(url);
  if (!options.allowPrivateAddresses && ipaddr.isValid(literal) && !isPublicAddress(literal)) {
    return Promise.reject(new ForbiddenAddressError(literal, literal));
  }
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'AgentCraft-Webhooks/1', ...options.headers },
        signal: AbortSignal.timeout(options.timeoutMs),
        ...(options.allowPrivateAddresses ? {} : { lookup: publicOnlyLookup }),
      },
      (response) => {
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) response.destroy();
        });
        const finish = (): void => {
          const retryAfter = Number(response.headers['retry-after']);
          resolve({ statusCode: response.statusCode ?? 0, retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null });
        };
        response.once('end', finish);
        response.once('close', finish);
        response.once('error', finish);
      },
    );
    request.once('error', reject);
    request.end(options.body);
  });
}
