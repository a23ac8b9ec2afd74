/**
 * The committed "old code" fixture: workflow code bundled from an earlier commit by
 * `test-support/build-old-workflow-bundle.ts`, loaded by the upgrade test without git history.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/**
 * `perf(temporal-config): lift the dev server's per-shard queue-reader poll limit` — the last commit of the
 * durable conversation core before the first `patched()` change (9c828c7); its histories are the v1 fixtures.
 */
export const OLD_WORKFLOW_COMMIT = '93fdd77d21c458d14206bb5806c1d42f514dbf0c';

/** What the build script records beside the bundle. */
export interface OldWorkflowBundleManifest {
  commit: string;
  subject: string;
  /** The `@temporalio/workflow` version bundled with the old sources. */
  temporalWorkflowSdk: string;
  /** Of the uncompressed code; the loader checks it. */
  sha256: string;
  bytes: number;
  command: string;
}

/** Where the bundle (gzipped JavaScript) and its manifest live for a commit. */
export function oldWorkflowBundlePaths(commit: string): { bundle: string; manifest: string } {
  const base = new URL(`../workflows/__fixtures__/workflow-bundle-${commit.slice(0, 7)}`, import.meta.url);
  return { bundle: fileURLToPath(`${base.href}.js.gz`), manifest: fileURLToPath(`${base.href}.json`) };
}

/** The old workflow code and its manifest; throws when the code does not match the manifest's hash. */
export async function loadOldWorkflowBundle(commit: string = OLD_WORKFLOW_COMMIT): Promise<{ code: string; manifest: OldWorkflowBundleManifest }> {
  const paths = oldWorkflowBundlePaths(commit);
  const manifest = JSON.parse(await readFile(paths.manifest, 'utf8')) as OldWorkflowBundleManifest;
  const code = gunzipSync(await readFile(paths.bundle)).toString('utf8');
  const sha256 = createHash('sha256').update(code).digest('hex');
  if (sha256 !== manifest.sha256 || manifest.commit !== commit) {
    throw new Error(`${paths.bundle} does not match its manifest (sha256 ${sha256}); rebuild it with: ${manifest.command}`);
  }
  return { code, manifest };
}
