import { Injectable } from '@nestjs/common';
import { NotFoundError, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { Customer } from './customer.entity';

export interface CustomerRef {
  id: string;
  phone: string;
  name: string | null;
}

/** Customers by phone number. Created on first contact (first order or first sign-in). */
@Injectable()
export class CustomersService {
  constructor(private readonly db: Db) {}

  /**
   * Finds the customer with this E.164 number or creates them. A name is only filled in when none was
   * known, so a call-centre typo never overwrites what the student gave. Existing customers are not
   * row-locked, so many orders for one customer can be placed at once.
   */
  async findOrCreate(ctx: RequestContext, phone: string, name?: string | null): Promise<CustomerRef> {
    const sql = `WITH ins AS (
        INSERT INTO customers (phone, name) VALUES ($1, $2) ON CONFLICT (phone) DO NOTHING RETURNING id, phone, name
      )
      SELECT id, phone, name FROM ins
      UNION ALL
      SELECT id, phone, name FROM customers WHERE phone = $1 AND NOT EXISTS (SELECT 1 FROM ins)`;
    const run = () =>
      this.db.query<CustomerRef>(ctx, sql, [phone, name ?? null], { prepare: 'customer_find_or_create_v1' });
    let rows = await run();
    // A concurrent insert that committed while we waited is invisible to this statement's snapshot.
    if (!rows[0]) rows = await run();
    const customer = rows[0];
    if (name && !customer.name) {
      await this.db.query(
        ctx,
        `UPDATE customers SET name = $2, updated_at = now() WHERE id = $1 AND name IS NULL`,
        [customer.id, name],
      );
      customer.name = name;
    }
    return customer;
  }

  async get(ctx: RequestContext, id: string): Promise<Customer> {
    const c = await this.db.repo(ctx, Customer).findOne({ where: { id } });
    if (!c) throw new NotFoundError('customer', id);
    return c;
  }

  async findByPhone(ctx: RequestContext, phone: string): Promise<Customer | null> {
    return this.db.repo(ctx, Customer).findOne({ where: { phone } });
  }

  async setDefaults(
    ctx: RequestContext,
    id: string,
    defaults: { campusId?: string | null; pickupPointId?: string | null },
  ): Promise<void> {
    await this.db.query(
      ctx,
      `UPDATE customers SET default_campus_id = COALESCE($2, default_campus_id),
         default_pickup_point_id = COALESCE($3, default_pickup_point_id), updated_at = now() WHERE id = $1`,
      [id, defaults.campusId ?? null, defaults.pickupPointId ?? null],
    );
  }
}
