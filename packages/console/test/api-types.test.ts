import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, renderApiTypes } from '../scripts/api-types.js';

describe('Console: the typed API client', () => {
  it('is generated from the server\'s OpenAPI document as it is now (run `npm run api-types` after changing a route)', async () => {
    const fresh = await renderApiTypes();
    expect(fresh).toContain('"/api/v1/webhooks/{id}/test-sends"');
    // The discriminators carry their values, not the schema names.
    expect(fresh).toContain('kind: "constant"');
    expect(readFileSync(API_TYPES_FILE, 'utf8') === fresh, 'packages/console/src/shared/api-types.ts is stale: run `npm run api-types`').toBe(true);
  });
});
