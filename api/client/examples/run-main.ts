/** Runs an example's `main` when the file is executed directly (`npx tsx api/client/examples/<file>.ts`). */
import { pathToFileURL } from 'node:url';

export function runIfMain(moduleUrl: string, main: () => Promise<unknown>): void {
  const entry = process.argv[1];
  if (entry === undefined || pathToFileURL(entry).href !== moduleUrl) return;
  main().then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
