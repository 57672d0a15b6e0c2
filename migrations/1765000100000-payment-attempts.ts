import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payment attempts (owned by `payments`): one row per conversation with the provider about paying an
 * order — an Alipay WAP or page-pay URL, or a QR code shown at the door. `out_trade_no` is ours and
 * unique; Alipay's `trade_no` is unique once paid; at most one open attempt per order and method.
 */
export class PaymentAttempts1765000100000 implements MigrationInterface {
  name = 'PaymentAttempts1765000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payment_attempts (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id),
        provider text NOT NULL DEFAULT 'alipay' CHECK (provider = 'alipay'),
        method text NOT NULL CHECK (method IN ('alipay_wap', 'alipay_page', 'alipay_qr')),
        out_trade_no text NOT NULL CHECK (out_trade_no ~ '^[A-Za-z0-9_]{1,64}$'),
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        status text NOT NULL CHECK (status IN ('open', 'paid', 'closed', 'failed')),
        expires_at timestamptz NOT NULL,
        return_url text,
        redirect_url text,
        qr_code text,
        trade_no text,
        paid_at timestamptz,
        closed_at timestamptz,
        close_reason text,
        failure_reason text,
        created_by_id uuid NOT NULL,
        created_by_role text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payment_attempts_out_trade_no_key UNIQUE (out_trade_no),
        CONSTRAINT payment_attempts_trade_no_key UNIQUE (trade_no),
        CONSTRAINT payment_attempts_how_to_pay CHECK (
          CASE WHEN method = 'alipay_qr' THEN qr_code IS NOT NULL ELSE redirect_url IS NOT NULL END),
        CONSTRAINT payment_attempts_paid_stamped CHECK (
          (status = 'paid') = (paid_at IS NOT NULL) AND (status <> 'paid' OR trade_no IS NOT NULL)),
        CONSTRAINT payment_attempts_closed_stamped CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
        CONSTRAINT payment_attempts_failed_explained CHECK (status <> 'failed' OR failure_reason IS NOT NULL)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX payment_attempts_one_open ON payment_attempts (order_id, method) WHERE status = 'open'`,
    );
    await q.query(`CREATE INDEX payment_attempts_order_idx ON payment_attempts (order_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS payment_attempts`);
  }
}
