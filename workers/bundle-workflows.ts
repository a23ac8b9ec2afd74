/**
 * `npm run bundle:workflows`: bundles the workflow code as the worker does (CI runs it to catch
 * non-deterministic or Node-only imports reachable from `workflows/`) and writes it to dist/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_OPTIONS } from './create-worker.js';

const outputDirectory = path.resolve('dist');
const { code } = await bundleWorkflowCode(WORKFLOW_BUNDLE_OPTIONS);
await mkdir(outputDirectory, { recursive: true });
await writeFile(path.join(outputDirectory, 'workflow-bundle.js'), code);
console.log(`workflow bundle: ${(code.length / 1024).toFixed(0)} KiB → dist/workflow-bundle.js`);
