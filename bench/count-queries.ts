/**
 * Preloaded into the API process by the benchmark (node -r): counts every statement the pg driver
 * sends (each one is one round trip, BEGIN and COMMIT included) and writes the running total to
 * BENCH_QUERY_COUNT_FILE, so the benchmark can divide by the orders placed.
 */
import { writeFileSync } from 'node:fs';
import { Client } from 'pg';

const file = process.env.BENCH_QUERY_COUNT_FILE;
if (file) {
  let statements = 0;
  const original = Client.prototype.query as (...args: unknown[]) => unknown;
  (Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (
    this: Client,
    ...args: unknown[]
  ) {
    statements++;
    return original.apply(this, args);
  };
  const flush = () => writeFileSync(file, JSON.stringify({ statements }));
  setInterval(flush, 100).unref();
  process.on('exit', flush);
}
