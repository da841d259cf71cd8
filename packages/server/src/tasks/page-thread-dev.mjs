// The page thread's entry when the server runs from its TypeScript sources (tests, `tsx`): the
// thread registers the TypeScript loader itself. The bundled server starts its own bundle of
// page-thread.ts instead (scripts/bundle-server.mjs).
import { register } from 'tsx/esm/api';

register();
await import('./page-thread.ts');
