#!/usr/bin/env node
/**
 * `npm test`: the API's unit and end-to-end tests (Jest) and the console's unit tests (Vitest), then
 * one closing line "N passed, N failed" summed from both runners' own JSON reports (CI reads it).
 * Arguments go to Jest (`npm test -- test/orders.e2e-spec.ts`); with arguments only Jest runs.
 */
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const args = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'campus-tests-'));

/** Passed and failed tests from a Jest-format JSON report; a missing report counts as one failure. */
function counts(file) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    return { passed: r.numPassedTests, failed: r.numFailedTests + (r.numRuntimeErrorTestSuites || 0) };
  } catch {
    return { passed: 0, failed: 1 };
  }
}

const jestReport = join(dir, 'jest.json');
const jest = spawnSync(
  process.execPath,
  [require.resolve('jest/bin/jest'), '--json', `--outputFile=${jestReport}`, ...args],
  { stdio: 'inherit' },
);
const total = counts(jestReport);
let ok = jest.status === 0;

if (args.length === 0) {
  const vitestReport = join(dir, 'vitest.json');
  const vitest = spawnSync(
    'npm',
    [
      'run',
      'test',
      '-w',
      '@campus/console',
      '--',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestReport}`,
    ],
    { stdio: 'inherit' },
  );
  const c = counts(vitestReport);
  total.passed += c.passed;
  total.failed += c.failed;
  ok = ok && vitest.status === 0;
}

rmSync(dir, { recursive: true, force: true });
process.stdout.write(`\n${total.passed} passed, ${total.failed} failed\n`);
process.exit(ok && total.failed === 0 ? 0 : 1);
