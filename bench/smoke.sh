#!/usr/bin/env bash
# CI: a few seconds of the benchmark, so it cannot rot (expects `npm run build` to have run).
set -euo pipefail
cd "$(dirname "$0")/.."
node dist/bench/run.js --smoke
