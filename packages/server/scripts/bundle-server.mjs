// `npm start`'s prestart: bundles the server's TypeScript (and the workspace packages it uses) into
// one ES module, so the running server needs no TypeScript loader. Under `node --import tsx` the
// loader's hooks run on a thread of their own, which held about 50 MB of the server's resident
// memory (docs/benchmarks.md, fifth session). Dependencies stay external: node loads them from
// node_modules as usual. The bundle sits two folders below the package, as the sources do, so the
// paths the server finds from its own location (the console's build, the checkpoint worker) hold.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const serverRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const packagesRoot = path.dirname(serverRoot);

/** The npm dependencies of the server and of the workspace packages it bundles: left for node to load. */
function externalDependencies() {
  const names = new Set();
  for (const dir of [serverRoot, path.join(packagesRoot, 'protocol'), path.join(packagesRoot, 'receiver-kit')]) {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    for (const name of Object.keys(manifest.dependencies ?? {})) if (!name.startsWith('@hookreach/')) names.add(name);
  }
  return [...names].flatMap((name) => [name, `${name}/*`]);
}

/** `npm start`'s command (the root package.json's start script): the node flags before the bundle, and the bundle's path. */
export function npmStartCommand() {
  const manifest = JSON.parse(fs.readFileSync(path.join(packagesRoot, '..', 'package.json'), 'utf8'));
  const words = manifest.scripts.start.split(/\s+/);
  const at = words.findIndex((word) => word.endsWith('.mjs'));
  return { flags: words.slice(1, at).filter((word) => word.startsWith('--')), bundle: words[at] };
}

/** Bundles `entry` (a path under the server package) into `outfile`, with the threads it starts beside it: the checkpoint worker and the task page thread. */
export async function bundleServer({ entry = 'src/cli/main.ts', outfile = path.join(serverRoot, 'dist', 'server', 'hookreach.mjs') } = {}) {
  const options = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: externalDependencies(),
    // CommonJS code inside the bundle may still call require.
    banner: { js: "import { createRequire as __hookreachRequire } from 'node:module'; const require = __hookreachRequire(import.meta.url);" },
    logLevel: 'warning',
  };
  await build({ ...options, entryPoints: [path.join(serverRoot, entry)], outfile });
  // The name tasks/page-source.ts looks for beside the bundle.
  await build({ ...options, entryPoints: [path.join(serverRoot, 'src', 'tasks', 'page-thread.ts')], outfile: path.join(path.dirname(outfile), 'task-page-thread.mjs') });
  fs.copyFileSync(path.join(serverRoot, 'src', 'store', 'checkpoint-worker.cjs'), path.join(path.dirname(outfile), 'checkpoint-worker.cjs'));
  return outfile;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bundleServer();
}
