#!/usr/bin/env bash
# CI: a few seconds of the benchmark, so it cannot rot (expects `npm run build` to have run).
set -euo pipefail
cd "$(dirname "$0")/.."
# The shop's first screen must stay within its JavaScript budget (fails above 200 kB on the wire).
node dist/bench/shop-assets.js
# Includes the whole pipeline (API + worker processes, 1+1 and 2+2, against pgbench and the pg baseline).
node dist/bench/run.js --smoke
