/**
 * `npm run bundle:workflows`: bundles the workflow code as the worker does (CI runs it to catch
 * non-deterministic or Node-only imports reachable from `workflows/`) and writes both kinds to dist/:
 * the plain bundle and the one with the tracing interceptors (see `WorkflowBundleKind`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PREBUILT_BUNDLE_FILES, WorkflowBundleKind, workflowBundleOptions } from './create-worker.js';

const outputDirectory = path.resolve('dist');
await mkdir(outputDirectory, { recursive: true });
for (const kind of Object.values(WorkflowBundleKind)) {
  const { code } = await bundleWorkflowCode(workflowBundleOptions(kind));
  await writeFile(path.join(outputDirectory, PREBUILT_BUNDLE_FILES[kind]), code);
  console.log(`workflow bundle (${kind}): ${(code.length / 1024).toFixed(0)} KiB → dist/${PREBUILT_BUNDLE_FILES[kind]}`);
}
