import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db, sql, SqlParams } from '@campus/database';
import type { PromotionKind } from './pricing-policy';
import { regionScopeSql } from './pricing-scope';
import type { CouponView, PromotionView } from './promotion.types';

export interface NewPromotion {
  name: string;
  kind: PromotionKind;
  percentBps: number | null;
  amountCents: number | null;
  thresholdCents: number;
  giftProductId: string | null;
  skus: string[];
  categories: string[];
  regionId: string | null;
  campusIds: string[];
  channels: string[];
  requiresCoupon: boolean;
  startsAt: Date;
  endsAt: Date;
  maxUses: number | null;
}

/** A change to a promotion: null (or undefined) keeps a field; `maxUses` is set whenever present. */
export interface PromotionChange {
  active: boolean | null;
  endsAt: Date | null;
  maxUses?: number | null;
  name: string | null;
}

export interface PromotionFilters {
  kind?: PromotionKind;
  status?: 'running' | 'upcoming' | 'ended';
  /** Keyset: created before this (created_at text, id). */
  before?: [string, string];
}

export interface NewCoupons {
  promotionId: string;
  batchId: string;
  codes: string[];
  maxUses: number | null;
  perCustomer: number;
  agentId: string | null;
  issuedTo: string | null;
}

const PROMOTION_SELECT = `SELECT p.id, p.name, p.kind, p.percent_bps AS "percentBps", p.amount_cents AS "amountCents",
  p.threshold_cents AS "thresholdCents", g.sku AS "giftSku", p.skus, p.categories, p.region_id AS "regionId",
  p.campus_ids AS "campusIds", p.channels, p.requires_coupon AS "requiresCoupon", p.starts_at AS "startsAt",
  p.ends_at AS "endsAt", p.max_uses AS "maxUses", p.uses, p.active,
  (SELECT count(*)::int FROM coupons c WHERE c.promotion_id = p.id) AS "couponCount",
  p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;

const PROMOTION_FROM = `FROM promotions p LEFT JOIN products g ON g.id = p.gift_product_id`;

const COUPON_COLUMNS = `c.id, c.code, c.batch_id AS "batchId", c.max_uses AS "maxUses", c.uses,
  c.per_customer AS "perCustomer", c.agent_id AS "agentId", c.issued_to AS "issuedTo", c.active,
  c.created_at AS "createdAt"`;

/**
 * The statements of promotions, coupon batches and coupons (pricing's tables). PromotionsService
 * decides who may and what is valid; this holds the SQL and returns plain rows.
 */
@Injectable()
export class PromotionRepository {
  constructor(private readonly db: Db) {}

  /** The id of an active product by SKU (a gift), null when there is none. */
  async activeProductId(ctx: RequestContext, sku: string): Promise<string | null> {
    const [g] = await this.db.query<{ id: string }>(
      ctx,
      sql`SELECT id FROM products WHERE sku = ${sku} AND active`,
    );
    return g?.id ?? null;
  }

  /** Inserts a promotion created by the caller; its id. */
  async insert(tx: RequestContext, p: NewPromotion): Promise<string> {
    const [row] = await this.db.query<{ id: string }>(
      tx,
      sql`INSERT INTO promotions (name, kind, percent_bps, amount_cents, threshold_cents, gift_product_id, skus,
            categories, region_id, campus_ids, channels, requires_coupon, starts_at, ends_at, max_uses, created_by_id)
          VALUES (${p.name}, ${p.kind}, ${p.percentBps}, ${p.amountCents}, ${p.thresholdCents}, ${p.giftProductId},
                  ${p.skus}, ${p.categories}, ${p.regionId}, ${p.campusIds}, ${p.channels}, ${p.requiresCoupon},
                  ${p.startsAt}, ${p.endsAt}, ${p.maxUses}, ${tx.actorId})
          RETURNING id`,
    );
    return row.id;
  }

  /** A promotion in the caller's scope, null otherwise. */
  async find(ctx: RequestContext, id: string): Promise<PromotionView | null> {
    const params = new SqlParams();
    const rows = await this.db.query<PromotionView>(
      ctx,
      `${PROMOTION_SELECT} ${PROMOTION_FROM}
        WHERE p.id = ${params.add(id)} AND ${regionScopeSql(ctx, 'p.region_id', params)}`,
      params,
    );
    return rows[0] ?? null;
  }

  /** Promotions in the caller's scope, newest first, `limit` of them (ask one more to page). */
  async list(
    ctx: RequestContext,
    f: PromotionFilters,
    limit: number,
  ): Promise<(PromotionView & { cursorAt: string })[]> {
    const params = new SqlParams();
    const where = [regionScopeSql(ctx, 'p.region_id', params)];
    if (f.kind) where.push(`p.kind = ${params.add(f.kind)}`);
    if (f.status === 'running') where.push(`p.active AND p.starts_at <= now() AND p.ends_at > now()`);
    if (f.status === 'upcoming') where.push(`p.active AND p.starts_at > now()`);
    if (f.status === 'ended') where.push(`(NOT p.active OR p.ends_at <= now())`);
    if (f.before) {
      const [at, id] = f.before;
      where.push(`(p.created_at, p.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`);
    }
    return this.db.query<PromotionView & { cursorAt: string }>(
      ctx,
      `${PROMOTION_SELECT}, p.created_at::text AS "cursorAt" ${PROMOTION_FROM}
        WHERE ${where.join(' AND ')} ORDER BY p.created_at DESC, p.id DESC LIMIT ${limit + 1}`,
      params,
    );
  }

  /** Locks a promotion for a change; its uses so far. */
  async lockUses(tx: RequestContext, id: string): Promise<number> {
    await this.db.query(tx, sql`SELECT 1 FROM promotions WHERE id = ${id} FOR UPDATE`);
    const [{ uses }] = await this.db.query<{ uses: number }>(
      tx,
      sql`SELECT uses FROM promotions WHERE id = ${id}`,
    );
    return uses;
  }

  async update(tx: RequestContext, id: string, c: PromotionChange): Promise<void> {
    await this.db.query(
      tx,
      sql`UPDATE promotions SET active = COALESCE(${c.active}, active), ends_at = COALESCE(${c.endsAt}, ends_at),
            max_uses = CASE WHEN ${c.maxUses !== undefined}::boolean THEN ${c.maxUses ?? null}::int ELSE max_uses END,
            name = COALESCE(${c.name}, name), updated_at = now()
          WHERE id = ${id}`,
    );
  }

  /** A batch of `count` coupons issued by the caller; its id. */
  async insertBatch(tx: RequestContext, promotionId: string, count: number): Promise<string> {
    const [b] = await this.db.query<{ id: string }>(
      tx,
      sql`INSERT INTO coupon_batches (promotion_id, count, created_by_id)
          VALUES (${promotionId}, ${count}, ${tx.actorId}) RETURNING id`,
    );
    return b.id;
  }

  /** Inserts the coupons whose codes are free; the codes inserted (a taken code is skipped). */
  async insertCoupons(tx: RequestContext, c: NewCoupons): Promise<string[]> {
    const rows = await this.db.query<{ code: string }>(
      tx,
      sql`INSERT INTO coupons (promotion_id, batch_id, code, max_uses, per_customer, agent_id, issued_to)
          SELECT ${c.promotionId}, ${c.batchId}, code, ${c.maxUses}, ${c.perCustomer}, ${c.agentId}, ${c.issuedTo}
            FROM unnest(${c.codes}::text[]) AS x(code)
          ON CONFLICT (code) DO NOTHING RETURNING code`,
    );
    return rows.map((r) => r.code);
  }

  /** A promotion's coupons (optionally one batch, after a code), by code, `limit` (+1) of them. */
  async coupons(
    ctx: RequestContext,
    promotionId: string,
    f: { batchId?: string; afterCode?: string },
    limit: number,
  ): Promise<CouponView[]> {
    const params = new SqlParams();
    const where = [`c.promotion_id = ${params.add(promotionId)}`];
    if (f.batchId) where.push(`c.batch_id = ${params.add(f.batchId)}`);
    if (f.afterCode !== undefined) where.push(`c.code > ${params.add(f.afterCode)}`);
    return this.db.query<CouponView>(
      ctx,
      `SELECT ${COUPON_COLUMNS} FROM coupons c WHERE ${where.join(' AND ')} ORDER BY c.code LIMIT ${limit + 1}`,
      params,
    );
  }
}
