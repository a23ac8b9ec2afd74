/**
 * The built-in fetcher's default user agent: `AgentCraftBot/<package version>`. There is no public project
 * page to link to, so operators should set `AGENTCRAFT_WEB_USER_AGENT` to one that names their deployment and
 * a contact URL (`AgentCraftBot/1.0 (+https://example.com/bot)`); robots.txt rules for `AgentCraftBot` apply.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `version` of the nearest `package.json` above this file (works from the sources and from `dist/`). */
function packageVersion(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (; path.dirname(directory) !== directory; directory = path.dirname(directory)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'agentcraft' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // No readable package.json here: keep walking up.
    }
  }
  return '0.0.0';
}

export function defaultUserAgent(): string {
  return `AgentCraftBot/${packageVersion()}`;
}
