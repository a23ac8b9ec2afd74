// `npm start` (prestart): builds the web app when `web/dist/index.html` is missing, so the API can serve it.
// Installs web/'s dependencies first when `web/node_modules` is missing; does nothing when AGENTCRAFT_WEB_DIST
// points elsewhere. No dependencies of its own.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webRoot = path.join(projectRoot, 'web');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(description, args) {
  console.log(`web app: ${description} (npm ${args.join(' ')})`);
  const result = spawnSync(npm, args, { cwd: projectRoot, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    const reason = result.error ? result.error.message : `exit code ${result.status ?? result.signal}`;
    console.error(`\nweb app: ${description} failed (${reason}).`);
    console.error('Fix the error above and run `npm start` again, or build it yourself: `npm run web:install && npm run web:build`.');
    console.error('To start without the web app: AGENTCRAFT_WEB_DIST=none npm start');
    process.exit(1);
  }
}

const configured = process.env.AGENTCRAFT_WEB_DIST?.trim();
if (configured) {
  console.log(`web app: AGENTCRAFT_WEB_DIST=${configured}, not building web/dist`);
  process.exit(0);
}
if (existsSync(path.join(webRoot, 'dist', 'index.html'))) {
  process.exit(0);
}
if (!existsSync(path.join(webRoot, 'node_modules'))) {
  run('installing dependencies of web/', ['ci', '--prefix', 'web', '--no-audit', '--no-fund']);
}
run('building web/dist (index.html is missing)', ['run', 'build', '--prefix', 'web']);
console.log('web app: built web/dist; the API serves it at its own URL');
