/**
 * `node -r test/scale/support/register-ts.js apps/worker/src/main.ts`: runs the apps' real entry
 * points from source in a separate process (the scale-out tests start API and worker replicas this
 * way, so they always run the code under test, never a stale `dist/`). Each file is transpiled on its
 * own with the project's compiler options (tsconfig.json has isolatedModules, so this is safe) and
 * cached by content; `@campus/*` resolves through tsconfig's paths.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const ts = require('typescript');
const tsconfigPaths = require('tsconfig-paths');

const root = resolve(__dirname, '../../..');
const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: true, inlineSources: false };
const cacheDir = join(tmpdir(), `campus-ts-${ts.version}`);
mkdirSync(cacheDir, { recursive: true });

require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const key = createHash('sha256').update(filename).update('\0').update(source).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  let output;
  if (existsSync(cached)) {
    output = readFileSync(cached, 'utf8');
  } else {
    output = ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
    // Replicas start together: write aside and rename, so no process ever reads a half-written file.
    const partial = `${cached}.${process.pid}.tmp`;
    writeFileSync(partial, output);
    renameSync(partial, cached);
  }
  module._compile(output, filename);
};

tsconfigPaths.register({ baseUrl: root, paths: config.compilerOptions.paths });
