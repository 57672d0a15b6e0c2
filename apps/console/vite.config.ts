/// <reference types="vitest/config" />
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt)$/;

/**
 * Writes a brotli (.br) and a gzip (.gz) copy next to every text asset of the build, so the API
 * serves them precompressed (@fastify/static `preCompressed`) instead of compressing per request.
 * Files under 1 kB are left alone (the headers would cost more than they save).
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'campus-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir.startsWith('/')
        ? config.build.outDir
        : join(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? (name === '.vite' ? [] : walk(path)) : [path];
        });
      for (const file of walk(outDir)) {
        if (!COMPRESSIBLE.test(file)) continue;
        const raw = readFileSync(file);
        if (raw.length < 1024) continue;
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(raw, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
            },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
      }
    },
  };
}

/**
 * Writes .vite/chunk-contents.json: for each JavaScript chunk, the npm packages and the console
 * source folders it contains, so bench/shop-assets.ts can prove the shop's first screen holds no
 * antd, no ECharts and no desk page.
 */
function chunkContents(): Plugin {
  return {
    name: 'campus-chunk-contents',
    apply: 'build',
    generateBundle(_options, bundle) {
      const contents: Record<string, { packages: string[]; sources: string[] }> = {};
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const packages = new Set<string>();
        const sources = new Set<string>();
        for (const id of chunk.moduleIds) {
          const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id)?.[1];
          if (pkg) packages.add(pkg);
          const src = /\/apps\/console\/src\/(.+)$/.exec(id)?.[1];
          if (src) sources.add(src.includes('/') ? src.slice(0, src.lastIndexOf('/') + 1) : src);
        }
        contents[chunk.fileName] = { packages: [...packages].sort(), sources: [...sources].sort() };
      }
      this.emitFile({
        type: 'asset',
        fileName: '.vite/chunk-contents.json',
        source: `${JSON.stringify(contents, null, 2)}\n`,
      });
    },
  };
}

// Built into the repository's dist/console, next to the compiled API that serves it at `/`.
// The manifest (dist/console/.vite/manifest.json) and chunk-contents.json let bench/shop-assets.ts
// follow the chunks the shop's first screen loads and check what they hold.
export default defineConfig({
  plugins: [react(), chunkContents(), precompress()],
  build: {
    outDir: '../../dist/console',
    emptyOutDir: true,
    manifest: true,
    chunkSizeWarningLimit: 2500,
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
