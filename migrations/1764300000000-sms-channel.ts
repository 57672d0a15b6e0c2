import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SMS ordering channel: every inbound text with the reply it got (Twilio's MessageSid is unique,
 * so a retried webhook finds its stored reply instead of acting twice), and the quotes a BUY makes,
 * one open quote per number, each placed at most once.
 */
export class SmsChannel1764300000000 implements MigrationInterface {
  name = 'SmsChannel1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sms_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        message_sid text NOT NULL CHECK (length(message_sid) BETWEEN 1 AND 64),
        from_phone text NOT NULL CHECK (from_phone ~ '^\\+[0-9]{6,15}$'),
        to_phone text,
        body text NOT NULL CHECK (length(body) <= 1600),
        command text NOT NULL CHECK (command IN ('buy','confirm','status','cancel','help','stop','start','invalid',
          'unknown','rate_limited')),
        written_language text CHECK (written_language IN ('zh-CN','en')),
        reply_language text NOT NULL CHECK (reply_language IN ('zh-CN','en')),
        reply_body text,
        order_id uuid REFERENCES orders(id),
        received_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sms_messages_message_sid_key UNIQUE (message_sid)
      )`);
    await q.query(`CREATE INDEX sms_messages_from_idx ON sms_messages (from_phone, received_at DESC)`);
    await q.query(
      `CREATE INDEX sms_messages_order_idx ON sms_messages (order_id) WHERE order_id IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE sms_quotes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        phone text NOT NULL CHECK (phone ~ '^\\+[0-9]{6,15}$'),
        message_id uuid NOT NULL REFERENCES sms_messages(id),
        product_id uuid NOT NULL REFERENCES products(id),
        sku text NOT NULL,
        product_name text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
        total_cents bigint NOT NULL,
        payment_method text NOT NULL CHECK (payment_method IN ('online','cod')),
        fulfilment_type text NOT NULL CHECK (fulfilment_type IN ('locker','counter')),
        pickup_point_id uuid NOT NULL REFERENCES pickup_points(id),
        agent_id uuid REFERENCES agents(id),
        language text NOT NULL CHECK (language IN ('zh-CN','en')),
        reply_body text NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','placed','superseded','discarded')),
        expires_at timestamptz NOT NULL,
        order_id uuid REFERENCES orders(id),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sms_quotes_total CHECK (total_cents = quantity::bigint * unit_price_cents),
        CONSTRAINT sms_quotes_placed_has_order CHECK ((status = 'placed') = (order_id IS NOT NULL)),
        CONSTRAINT sms_quotes_expires_after_creation CHECK (expires_at > created_at)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX sms_quotes_one_open_per_phone ON sms_quotes (phone) WHERE status = 'open'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX sms_quotes_order_key ON sms_quotes (order_id) WHERE order_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX sms_quotes_phone_idx ON sms_quotes (phone, created_at DESC)`);

    await q.query(`ALTER TABLE sms_messages ADD COLUMN quote_id uuid REFERENCES sms_quotes(id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sms_messages DROP COLUMN IF EXISTS quote_id`);
    await q.query(`DROP TABLE IF EXISTS sms_quotes`);
    await q.query(`DROP TABLE IF EXISTS sms_messages`);
  }
}
