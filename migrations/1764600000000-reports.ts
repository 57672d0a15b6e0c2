import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the reports (libs/reports), chosen with `bench/reports.ts` on 100,000 orders (figures
 * in libs/reports/README.md). The agent leaderboard finds a month's hand-offs (`deliver`/`deposit`
 * events) without reading every other event.
 */
export class Reports1764600000000 implements MigrationInterface {
  name = 'Reports1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS order_events_handoff_idx ON order_events (created_at)
        WHERE type IN ('deliver', 'deposit')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS order_events_handoff_idx`);
  }
}
