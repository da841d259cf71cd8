import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { notBuiltPage } from './not-built-page.js';

/** Where `npm run build -w @hookreach/console` writes the console. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../console/dist', import.meta.url));

/** Paths that belong to the API and the probes: an unknown one is a JSON 404, never the console. */
const NOT_CONSOLE = /^\/(api|restapi)(\/|$)|^\/(healthz|readyz)(\/|$)/;

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The web console at `/`: its built files, and index.html for every other GET so client routes
 * (`/webhooks`, `/parameters`, ...) survive a reload. The build is looked for on each request, so
 * the API works before the console is built and `/` says how to build it.
 */
export const consoleRoutes: FastifyPluginAsync<{ consoleDir: string }> = async (app, { consoleDir }) => {
  // Registered even when the build is missing (its root is checked per request): the route set stays the same.
  await app.register(fastifyStatic, { root: consoleDir, serve: false, cacheControl: false });

  const sendIndex = (reply: FastifyReply) => {
    if (!isFile(path.join(consoleDir, 'index.html'))) {
      return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(notBuiltPage(consoleDir));
    }
    // index.html names the hashed assets of the current build: never cache it.
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };

  app.get('/', { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const urlPath = request.url.split('?')[0] ?? '/';
    if (NOT_CONSOLE.test(urlPath)) return reply.callNotFound();
    const relative = decodeURIComponent((request.params as { '*': string })['*']);
    const file = path.resolve(consoleDir, relative);
    if (file.startsWith(consoleDir + path.sep) && isFile(file)) {
      // Vite names assets by content hash: they never change under the same name.
      const immutable = relative.startsWith('assets/');
      return reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache').sendFile(relative);
    }
    // A missing asset is a 404, not the console page: a stale tab must not parse HTML as script.
    if (relative.startsWith('assets/')) return reply.callNotFound();
    return sendIndex(reply);
  });
};
