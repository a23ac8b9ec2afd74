/**
 * Finds the `temporal` CLI binary that runs the embedded dev server. `npm run setup`
 * (`scripts/setup-temporal.mjs`) provisions the pinned version and records it; this module only reads.
 */
import { constants as fsConstants, statSync } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where to look, overridable for tests. */
export interface ResolveTemporalCliOptions {
  /** Environment to read `TEMPORAL_CLI_PATH` and `PATH` from (default `process.env`). */
  environment?: NodeJS.ProcessEnv;
  /** Folder holding `.tools/temporal-cli.json` (default: the project root). */
  projectRoot?: string;
}

/** The record written by `scripts/setup-temporal.mjs`. */
export function temporalCliRecordPath(projectRoot: string = findProjectRoot()): string {
  return path.join(projectRoot, '.tools', 'temporal-cli.json');
}

/**
 * Returns the absolute path of the Temporal CLI: `TEMPORAL_CLI_PATH`, else the binary recorded by
 * `npm run setup` in `.tools/temporal-cli.json`, else `temporal` on PATH. Throws an error that says
 * how to fix it when none is usable.
 */
export async function resolveTemporalCli(options: ResolveTemporalCliOptions = {}): Promise<string> {
  const environment = options.environment ?? process.env;
  const override = environment.TEMPORAL_CLI_PATH?.trim();
  if (override) {
    const binary = path.resolve(override);
    if (await isExecutable(binary)) return binary;
    throw new Error(`TEMPORAL_CLI_PATH=${override} is not an executable file. Fix it, or unset it and run \`npm run setup\`.`);
  }
  const recorded = await readRecordedPath(temporalCliRecordPath(options.projectRoot));
  if (recorded && (await isExecutable(recorded))) return recorded;
  const onPath = await findOnPath(environment);
  if (onPath) return onPath;
  throw new Error(
    'Temporal CLI not found: TEMPORAL_CLI_PATH is unset, `npm run setup` has not recorded one in ' +
      '.tools/temporal-cli.json (or it moved), and `temporal` is not on PATH. Run `npm run setup` to ' +
      'install the pinned version, or set TEMPORAL_CLI_PATH to a `temporal` binary.',
  );
}

/** Walks up from this file to the folder with `package.json` (works from `workers/` and `dist/workers/`). */
function findProjectRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let directory = here; ; directory = path.dirname(directory)) {
    if (isFileSync(path.join(directory, 'package.json'))) return directory;
    if (path.dirname(directory) === directory) return path.resolve(here, '..');
  }
}

function isFileSync(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

async function readRecordedPath(recordFile: string): Promise<string | undefined> {
  try {
    const record: unknown = JSON.parse(await readFile(recordFile, 'utf8'));
    if (typeof record === 'object' && record !== null && 'path' in record && typeof record.path === 'string') {
      return record.path;
    }
  } catch {
    // No record (setup not run) or a torn file: fall through to PATH.
  }
  return undefined;
}

async function findOnPath(environment: NodeJS.ProcessEnv): Promise<string | undefined> {
  const extensions = process.platform === 'win32' ? (environment.PATHEXT ?? '.EXE').split(';') : [''];
  const directories = (environment.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const directory of directories) {
    for (const extension of extensions) {
      const candidate = path.resolve(directory, `temporal${extension}`);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, process.platform === 'win32' ? fsConstants.F_OK : fsConstants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
