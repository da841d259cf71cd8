import { Metrics } from '../../server/src/metrics/metrics.js';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import type { AppContext } from '../../server/src/context.js';
import { createOutboundAgent } from '../../server/src/outbound/agent.js';
import { createSecretBox } from '../../server/src/secrets/secret-box.js';
import { manualClock } from '../../server/src/shared/clock.js';
import { openStore } from '../../server/src/store/database.js';

/** Where the generated client types live (committed, checked for staleness by a test). */
export const API_TYPES_FILE = fileURLToPath(new URL('../src/shared/api-types.ts', import.meta.url));

const HEADER = '// Generated from the server\'s OpenAPI document by `npm run api-types`; do not edit.\n';

/** The server's OpenAPI document, built in-process (no listening socket, no data written). */
export async function serverOpenApi(): Promise<unknown> {
  const config = loadConfig({ HOOKREACH_DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent' });
  const store = openStore({ sqliteFile: ':memory:' });
  const outbound = createOutboundAgent({ allowNetworks: [] });
  const ctx: AppContext = { config, store, clock: manualClock(), secrets: createSecretBox(randomBytes(32)), outbound, metrics: new Metrics(store, manualClock()) };
  const app = await buildApp(ctx);
  try {
    await app.ready();
    return app.swagger();
  } finally {
    await app.close();
    await outbound.close();
    await store.close();
  }
}

interface SchemaNode {
  $ref?: string;
  oneOf?: SchemaNode[];
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
  properties?: Record<string, { enum?: string[]; const?: string }>;
}

/**
 * The server's discriminators name only the property; without a mapping openapi-typescript would
 * type the tag as the schema's name ("ConstantParameter") instead of its value ("constant").
 */
function addDiscriminatorMappings(node: unknown, schemas: Record<string, SchemaNode>): void {
  if (typeof node !== 'object' || node === null) return;
  for (const child of Object.values(node)) addDiscriminatorMappings(child, schemas);
  const { discriminator, oneOf } = node as SchemaNode;
  if (discriminator && !discriminator.mapping && oneOf) {
    const mapping: Record<string, string> = {};
    for (const branch of oneOf) {
      const target = branch.$ref ? schemas[branch.$ref.split('/').pop() ?? ''] : undefined;
      const tag = target?.properties?.[discriminator.propertyName];
      const value = tag?.const ?? tag?.enum?.[0];
      if (value !== undefined && branch.$ref) mapping[value] = branch.$ref;
    }
    discriminator.mapping = mapping;
  }
}

/** The TypeScript text of api-types.ts for the server as it is now. */
export async function renderApiTypes(): Promise<string> {
  const doc = JSON.parse(JSON.stringify(await serverOpenApi())) as { components: { schemas: Record<string, SchemaNode> } };
  addDiscriminatorMappings(doc, doc.components.schemas);
  const ast = await openapiTS(doc as never, { alphabetize: true });
  return HEADER + astToString(ast);
}
