import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shop (issue 14): customers' saved delivery addresses (libs/auth owns the table). At most ten
 * per customer, enforced here too: a trigger locks the customer's row before counting, so two saves
 * at the same moment cannot both be the tenth. Orders copy the address text at placement, so an
 * address can be edited or deleted without touching any order.
 */
export class ShopAddresses1765100000000 implements MigrationInterface {
  name = 'ShopAddresses1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customer_addresses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        label text CHECK (label IS NULL OR length(label) BETWEEN 1 AND 30),
        campus_id uuid NOT NULL,
        building text NOT NULL CHECK (length(building) BETWEEN 1 AND 100),
        room text NOT NULL CHECK (length(room) BETWEEN 1 AND 50),
        recipient_name text CHECK (recipient_name IS NULL OR length(recipient_name) BETWEEN 1 AND 50),
        phone text CHECK (phone IS NULL OR phone ~ '^\\+[0-9]{6,15}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT customer_addresses_campus_id_fkey FOREIGN KEY (campus_id) REFERENCES campuses (id)
      )`);
    await q.query(
      `CREATE INDEX customer_addresses_customer_idx ON customer_addresses (customer_id, created_at, id)`,
    );
    await q.query(`
      CREATE FUNCTION customer_addresses_limit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- NO KEY UPDATE serialises the address book's writers without blocking the FK's KEY SHARE.
        PERFORM 1 FROM customers WHERE id = NEW.customer_id FOR NO KEY UPDATE;
        IF (SELECT count(*) FROM customer_addresses WHERE customer_id = NEW.customer_id) >= 10 THEN
          RAISE EXCEPTION 'a customer keeps at most 10 addresses'
            USING ERRCODE = '23514', CONSTRAINT = 'customer_addresses_limit', TABLE = 'customer_addresses';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER customer_addresses_limit BEFORE INSERT ON customer_addresses
        FOR EACH ROW EXECUTE FUNCTION customer_addresses_limit()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE customer_addresses`);
    await q.query(`DROP FUNCTION customer_addresses_limit()`);
  }
}
