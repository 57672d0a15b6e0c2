import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payment notices (one row per provider reference: a replay writes nothing) and the de-duplication
 * record of Twilio delivery reports (one row per message and status).
 */
export class PaymentsAndDeliveryReports1764100000000 implements MigrationInterface {
  name = 'PaymentsAndDeliveryReports1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider_ref text NOT NULL,
        order_id uuid NOT NULL REFERENCES orders(id),
        amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
        paid_at timestamptz NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('applied', 'refund_required')),
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payments_provider_ref_key UNIQUE (provider_ref)
      )`);
    await q.query(`CREATE INDEX payments_order_idx ON payments (order_id)`);
    await q.query(`
      CREATE TABLE sms_delivery_reports (
        message_sid text NOT NULL,
        status text NOT NULL,
        error_code text,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (message_sid, status)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS sms_delivery_reports`);
    await q.query(`DROP TABLE IF EXISTS payments`);
  }
}
