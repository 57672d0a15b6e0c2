import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiDocument } from '../scripts/openapi';

const ROOT = join(__dirname, '..');
const SCHEMA = join(ROOT, 'apps/console/src/api/schema.ts');

/**
 * The console's typed client comes from the API's own OpenAPI document. This fails when a route,
 * DTO or response view changed without `npm run console:api` (and so without the console's
 * typecheck seeing the change).
 */
describe('console API schema', () => {
  it('is generated from the current OpenAPI document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-schema-'));
    try {
      const doc = join(dir, 'openapi.json');
      const out = join(dir, 'schema.ts');
      writeFileSync(doc, JSON.stringify(await openApiDocument(), null, 2));
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), doc, '-o', out],
        {
          cwd: ROOT,
          stdio: 'pipe',
        },
      );
      const fresh = readFileSync(out, 'utf8');
      const committed = readFileSync(SCHEMA, 'utf8');
      if (fresh !== committed) {
        throw new Error(
          'apps/console/src/api/schema.ts is out of date with the API: run `npm run console:api`',
        );
      }
      expect(fresh).toContain('"/api/orders"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
