// `npm start`'s prestart: builds the console when packages/console/dist is missing or older than
// its sources, so a fresh clone's `npm install && npm start` serves it. A failed build does not stop
// the server from starting: the API works and `/` says how to build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = path.join(root, 'dist', 'index.html');

/** The newest modification time under `entry` (a file or a folder). */
function newest(entry) {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(entry).map((name) => newest(path.join(entry, name))));
}

const builtAt = newest(built);
const sourcesAt = Math.max(...['src', 'index.html', 'vite.config.ts', 'package.json'].map((name) => newest(path.join(root, name))));
if (builtAt > 0 && builtAt >= sourcesAt) process.exit(0);

console.log(builtAt === 0 ? 'Building the web console (first start)…' : 'Rebuilding the web console (its sources changed)…');
const result = spawnSync('npm', ['run', 'build', '-w', '@hookreach/console'], { cwd: path.dirname(path.dirname(root)), stdio: 'inherit' });
if (result.status !== 0) console.error('The console build failed: the API still starts; `/` says how to build the console.');
