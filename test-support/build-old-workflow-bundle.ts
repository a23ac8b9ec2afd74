/**
 * Builds the "old code" fixture of the upgrade test (`workers/upgrade-in-flight.test.ts`): the workflow code
 * of an earlier commit of this repository, bundled with `bundleWorkflowCode` exactly as a worker of that
 * commit bundled it (no tracing interceptors then), and saved gzipped under `workflows/__fixtures__/` with
 * a manifest (commit, SDK version, sha256). The test loads it with `Worker.create({ workflowBundle: { code } })`,
 * so it needs no git history at test time (CI may clone shallowly).
 *
 * `npx tsx test-support/build-old-workflow-bundle.ts [commit]` (default: the last commit before the first
 * `patched()` change). Needs the full history locally; commit the two files it writes.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { OLD_WORKFLOW_COMMIT, oldWorkflowBundlePaths, type OldWorkflowBundleManifest } from './old-workflow-bundle.js';

const run = promisify(execFile);
const repository = fileURLToPath(new URL('..', import.meta.url));

/** The workflow sources of `commit` (workflows/ and the pure domain/ modules they import) in a temp folder. */
async function checkout(commit: string, directory: string): Promise<void> {
  const archive = path.join(directory, 'source.tar');
  await run('git', ['-C', repository, 'archive', '--format=tar', '-o', archive, commit, 'workflows', 'domain', 'package.json']);
  await run('tar', ['-xf', archive, '-C', directory]);
  // The bundler resolves @temporalio/workflow and zod from here: today's installed SDK (same major.minor line).
  await symlink(path.join(repository, 'node_modules'), path.join(directory, 'node_modules'), 'dir');
}

async function main(): Promise<void> {
  const requested = process.argv[2] ?? OLD_WORKFLOW_COMMIT;
  const commit = (await run('git', ['-C', repository, 'rev-parse', '--verify', `${requested}^{commit}`])).stdout.trim();
  // A fixed folder name: module comments in the bundle carry its path, and a rebuild should be byte-identical.
  const directory = path.join(tmpdir(), `agentcraft-workflows-${commit.slice(0, 7)}`);
  await rm(directory, { recursive: true, force: true });
  await mkdir(directory);
  try {
    await checkout(commit, directory);
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.join(directory, 'workflows', 'index.ts'),
      logger: new DefaultLogger('WARN'),
      // The worker requires an inline source map; a line map without the sources keeps the fixture small.
      // Not minified, so a stack trace from the old code still names its functions.
      webpackConfigHook: (configuration) => ({ ...configuration, mode: 'production', devtool: 'inline-nosources-cheap-module-source-map', optimization: { ...configuration.optimization, minimize: false } }),
    });
    const paths = oldWorkflowBundlePaths(commit);
    const compressed = gzipSync(code, { level: 9 });
    const sdkVersion = (JSON.parse(await readFile(path.join(repository, 'node_modules/@temporalio/workflow/package.json'), 'utf8')) as { version: string }).version;
    const manifest: OldWorkflowBundleManifest = {
      commit,
      subject: (await run('git', ['-C', repository, 'log', '-1', '--format=%s', commit])).stdout.trim(),
      temporalWorkflowSdk: sdkVersion,
      sha256: createHash('sha256').update(code).digest('hex'),
      bytes: code.length,
      command: `npx tsx test-support/build-old-workflow-bundle.ts ${commit}`,
    };
    await writeFile(paths.bundle, compressed);
    await writeFile(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
    process.stdout.write(`wrote ${paths.bundle} (${compressed.length} bytes gzipped, ${code.length} bytes of code) and ${paths.manifest}\n`);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

await main();
