/**
 * Preloaded into the API and worker processes by the benchmark (node -r): counts every statement the
 * pg driver sends (each one is one round trip, BEGIN and COMMIT included) and writes the running total
 * to BENCH_QUERY_COUNT_FILE (atomically: written aside, then renamed), so the benchmark can divide by
 * the orders placed. With BENCH_QUERY_LOG set, it also appends each statement's first line there
 * (profiling: which statements a pipeline step costs).
 */
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { Client } from 'pg';

const file = process.env.BENCH_QUERY_COUNT_FILE;
const logFile = process.env.BENCH_QUERY_LOG;
if (file) {
  let statements = 0;
  const original = Client.prototype.query as (...args: unknown[]) => unknown;
  (Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (
    this: Client,
    ...args: unknown[]
  ) {
    statements++;
    if (logFile) {
      const q = args[0] as string | { text?: string; name?: string };
      const text = typeof q === 'string' ? q : (q?.text ?? q?.name ?? '?');
      appendFileSync(logFile, `${process.pid} ${text.replace(/\s+/g, ' ').slice(0, 140)}\n`);
    }
    return original.apply(this, args);
  };
  const flush = () => {
    writeFileSync(`${file}.tmp`, JSON.stringify({ statements }));
    renameSync(`${file}.tmp`, file);
  };
  setInterval(flush, 100).unref();
  process.on('exit', flush);
}
