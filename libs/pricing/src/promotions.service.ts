import { Injectable } from '@nestjs/common';
import { AuditService, changedFields } from '@campus/audit';
import {
  BusinessRuleError,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  NotFoundError,
  Page,
  readableCode,
  RequestContext,
  toPage,
  ValidationError,
} from '@campus/core';
import { Db, pgErrorCode, SqlParams } from '@campus/database';
import { event, OutboxService } from '@campus/queue';
import {
  CouponQueryDto,
  CreatePromotionDto,
  IssueCouponsDto,
  PromotionQueryDto,
  SendCouponsDto,
  UpdatePromotionDto,
} from './dto/pricing.dto';
import { PricingPlaces } from './pricing-places';
import { PromotionKind } from './pricing-policy';
import { CouponCodeTakenError, PromotionNotCouponError } from './pricing.errors';

export interface PromotionView {
  id: string;
  name: string;
  kind: PromotionKind;
  percentBps: number | null;
  amountCents: number | null;
  thresholdCents: number;
  giftSku: string | null;
  skus: string[];
  categories: string[];
  regionId: string | null;
  campusIds: string[];
  channels: string[];
  requiresCoupon: boolean;
  startsAt: Date;
  endsAt: Date;
  maxUses: number | null;
  /** Orders that used it and were not given back (cancelled, returned). */
  uses: number;
  active: boolean;
  /** Coupons issued for it. */
  couponCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface CouponView {
  id: string;
  code: string;
  batchId: string;
  maxUses: number | null;
  uses: number;
  perCustomer: number;
  agentId: string | null;
  issuedTo: string | null;
  active: boolean;
  createdAt: Date;
}

export interface IssuedCoupons {
  promotionId: string;
  batchId: string;
  codes: string[];
}

const PROMOTION_COLUMNS = `p.id, p.name, p.kind, p.percent_bps AS "percentBps", p.amount_cents AS "amountCents",
  p.threshold_cents AS "thresholdCents", g.sku AS "giftSku", p.skus, p.categories, p.region_id AS "regionId",
  p.campus_ids AS "campusIds", p.channels, p.requires_coupon AS "requiresCoupon", p.starts_at AS "startsAt",
  p.ends_at AS "endsAt", p.max_uses AS "maxUses", p.uses, p.active,
  (SELECT count(*)::int FROM coupons c WHERE c.promotion_id = p.id) AS "couponCount",
  p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;

const COUPON_COLUMNS = `c.id, c.code, c.batch_id AS "batchId", c.max_uses AS "maxUses", c.uses,
  c.per_customer AS "perCustomer", c.agent_id AS "agentId", c.issued_to AS "issuedTo", c.active,
  c.created_at AS "createdAt"`;

/** What the audit log keeps of a promotion. */
function audited(p: PromotionView): Record<string, unknown> {
  const { uses: _u, couponCount: _c, createdAt: _a, updatedAt: _b, ...rest } = p;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}

/**
 * Promotions and their coupons, as admins (everything) and regional managers (their region only:
 * a promotion of another region, or a global one, answers 404 to them) manage them. Every change is
 * audited in its own transaction.
 */
@Injectable()
export class PromotionsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly places: PricingPlaces,
  ) {}

  async create(ctx: RequestContext, dto: CreatePromotionDto): Promise<PromotionView> {
    const regionId = await scopedRegion(ctx, this.places, dto.regionId);
    await checkCampuses(ctx, this.places, regionId, dto.campusIds);
    checkKindFields(dto);
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(dto.endsAt);
    if (endsAt <= startsAt) throw ValidationError.field('endsAt', 'must be after startsAt');
    return this.db.transaction(ctx, async (tx) => {
      let giftId: string | null = null;
      if (dto.kind === 'gift') {
        const [g] = await this.db.query<{ id: string }>(
          tx,
          `SELECT id FROM products WHERE sku = $1 AND active`,
          [dto.giftSku],
        );
        if (!g) throw ValidationError.field('giftSku', `unknown SKU ${dto.giftSku}`);
        giftId = g.id;
      }
      const [row] = await this.db.query<{ id: string }>(
        tx,
        `INSERT INTO promotions (name, kind, percent_bps, amount_cents, threshold_cents, gift_product_id, skus,
           categories, region_id, campus_ids, channels, requires_coupon, starts_at, ends_at, max_uses, created_by_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
        [
          dto.name,
          dto.kind,
          dto.kind === 'percent_off' ? dto.percentBps : null,
          dto.kind === 'amount_off' || dto.kind === 'spend_and_save' ? dto.amountCents : null,
          dto.thresholdCents ?? 0,
          giftId,
          [...new Set(dto.skus ?? [])],
          [...new Set(dto.categories ?? [])],
          regionId,
          [...new Set(dto.campusIds ?? [])],
          [...new Set(dto.channels ?? [])],
          dto.requiresCoupon ?? false,
          startsAt,
          endsAt,
          dto.maxUses ?? null,
          ctx.actorId,
        ],
      );
      const created = await this.get(tx, row.id);
      await this.audit.record(tx, {
        action: 'promotion.create',
        entityType: 'promotion',
        entityId: created.id,
        regionId,
        after: audited(created),
      });
      return created;
    });
  }

  async get(ctx: RequestContext, id: string): Promise<PromotionView> {
    const params: unknown[] = [id];
    const rows = await this.db.query<PromotionView>(
      ctx,
      `SELECT ${PROMOTION_COLUMNS} FROM promotions p LEFT JOIN products g ON g.id = p.gift_product_id
        WHERE p.id = $1 AND ${regionScopeSql(ctx, 'p.region_id', params)}`,
      params,
    );
    if (!rows[0]) throw new NotFoundError('promotion', id);
    return rows[0];
  }

  async list(ctx: RequestContext, q: PromotionQueryDto): Promise<Page<PromotionView>> {
    const params = new SqlParams();
    const where = [regionScopeSql(ctx, 'p.region_id', params)];
    if (q.kind) where.push(`p.kind = ${params.add(q.kind)}`);
    if (q.status === 'running') where.push(`p.active AND p.starts_at <= now() AND p.ends_at > now()`);
    if (q.status === 'upcoming') where.push(`p.active AND p.starts_at > now()`);
    if (q.status === 'ended') where.push(`(NOT p.active OR p.ends_at <= now())`);
    if (q.cursor) {
      const [at, cid] = decodeCursor(q.cursor, ['string', 'string']);
      where.push(`(p.created_at, p.id) < (${params.add(at)}::timestamptz, ${params.add(cid)}::uuid)`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.query<PromotionView & { cursorAt: string }>(
      ctx,
      `SELECT ${PROMOTION_COLUMNS}, p.created_at::text AS "cursorAt"
         FROM promotions p LEFT JOIN products g ON g.id = p.gift_product_id
        WHERE ${where.join(' AND ')} ORDER BY p.created_at DESC, p.id DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = toPage(rows, limit, (r) => [r.cursorAt, r.id]);
    return { ...page, items: page.items.map(({ cursorAt: _c, ...p }) => p) };
  }

  async update(ctx: RequestContext, id: string, dto: UpdatePromotionDto): Promise<PromotionView> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.get(tx, id);
      await this.db.query(tx, `SELECT 1 FROM promotions WHERE id = $1 FOR UPDATE`, [id]);
      const endsAt = dto.endsAt ? new Date(dto.endsAt) : null;
      if (endsAt && endsAt <= before.startsAt)
        throw ValidationError.field('endsAt', 'must be after startsAt');
      const [{ uses }] = await this.db.query<{ uses: number }>(
        tx,
        `SELECT uses FROM promotions WHERE id = $1`,
        [id],
      );
      if (typeof dto.maxUses === 'number' && dto.maxUses < uses) {
        throw new ValidationError([
          { field: 'maxUses', message: `must be at least the ${uses} uses already made`, code: 'min' },
        ]);
      }
      await this.db.query(
        tx,
        `UPDATE promotions SET active = COALESCE($2, active), ends_at = COALESCE($3, ends_at),
           max_uses = CASE WHEN $4::boolean THEN $5::int ELSE max_uses END, name = COALESCE($6, name),
           updated_at = now()
         WHERE id = $1`,
        [id, dto.active ?? null, endsAt, dto.maxUses !== undefined, dto.maxUses ?? null, dto.name ?? null],
      );
      const after = await this.get(tx, id);
      const diff = changedFields(audited(before), audited(after));
      if (Object.keys(diff.after).length) {
        await this.audit.record(tx, {
          action: 'promotion.update',
          entityType: 'promotion',
          entityId: id,
          regionId: after.regionId,
          ...diff,
        });
      }
      return after;
    });
  }

  /**
   * Issues coupons for a coupon-only promotion: one shared `code`, or `count` unique codes (10
   * characters of a 32-letter alphabet without 0/O/1/I: ~50 bits, unguessable, easy to read out).
   * An `agentId` makes them agent codes (the agent must be in the promotion's region).
   */
  async issueCoupons(ctx: RequestContext, promotionId: string, dto: IssueCouponsDto): Promise<IssuedCoupons> {
    const promotion = await this.get(ctx, promotionId);
    if (!promotion.requiresCoupon) throw new PromotionNotCouponError(promotionId);
    if (dto.code && dto.count !== undefined && dto.count !== 1) {
      throw ValidationError.field('count', 'a shared code is one code: leave count out');
    }
    if (dto.agentId) {
      const agentRegion = await this.places.agentRegion(ctx, dto.agentId);
      if (promotion.regionId && agentRegion !== promotion.regionId)
        throw new NotFoundError('agent', dto.agentId);
    }
    return this.db.transaction(ctx, async (tx) => {
      const count = dto.code ? 1 : (dto.count ?? 1);
      const batchId = await this.batch(tx, promotionId, count);
      const codes = await this.insertCodes(tx, promotionId, batchId, {
        codes: dto.code ? [dto.code] : null,
        count,
        maxUses: dto.maxUses ?? (dto.code ? null : 1),
        perCustomer: dto.perCustomer ?? 1,
        agentId: dto.agentId ?? null,
        issuedTo: null,
      });
      await this.audit.record(tx, {
        action: 'coupon.issue',
        entityType: 'promotion',
        entityId: promotionId,
        regionId: promotion.regionId,
        after: {
          batchId,
          count,
          code: dto.code ?? null,
          maxUses: dto.maxUses ?? null,
          perCustomer: dto.perCustomer ?? 1,
          agentId: dto.agentId ?? null,
        },
      });
      return { promotionId, batchId, codes };
    });
  }

  /**
   * Texts one new single-use code to each phone, through the outbox (after commit): the message
   * log records each, and numbers that sent STOP get nothing (marketing texts are suppressed).
   */
  async sendCoupons(
    ctx: RequestContext,
    promotionId: string,
    dto: SendCouponsDto,
  ): Promise<IssuedCoupons & { sent: { phone: string; code: string }[] }> {
    const promotion = await this.get(ctx, promotionId);
    if (!promotion.requiresCoupon) throw new PromotionNotCouponError(promotionId);
    if (promotion.endsAt.getTime() <= Date.now() || !promotion.active) {
      throw new BusinessRuleError('promotion_ended', `Promotion ${promotionId} has ended`);
    }
    const phones = [...new Set(dto.phones)];
    return this.db.transaction(ctx, async (tx) => {
      const batchId = await this.batch(tx, promotionId, phones.length);
      const sent: { phone: string; code: string }[] = [];
      for (const phone of phones) {
        const [code] = await this.insertCodes(tx, promotionId, batchId, {
          codes: null,
          count: 1,
          maxUses: 1,
          perCustomer: 1,
          agentId: null,
          issuedTo: phone,
        });
        sent.push({ phone, code });
      }
      await this.outbox.append(
        tx,
        sent.map((s) =>
          event(
            'coupon.issued',
            {
              promotionId,
              promotionName: promotion.name,
              phone: s.phone,
              code: s.code,
              endsAt: promotion.endsAt.toISOString(),
            },
            { aggregateId: promotionId },
          ),
        ),
      );
      await this.audit.record(tx, {
        action: 'coupon.send',
        entityType: 'promotion',
        entityId: promotionId,
        regionId: promotion.regionId,
        after: { batchId, count: sent.length },
      });
      return { promotionId, batchId, codes: sent.map((s) => s.code), sent };
    });
  }

  /** The coupons of a promotion (optionally one batch), oldest first. */
  async coupons(
    ctx: RequestContext,
    promotionId: string,
    q: CouponQueryDto,
    all = false,
  ): Promise<Page<CouponView>> {
    await this.get(ctx, promotionId);
    const params = new SqlParams([promotionId]);
    const where = ['c.promotion_id = $1'];
    if (q.batchId) {
      where.push(`c.batch_id = ${params.add(q.batchId)}`);
    }
    if (q.cursor && !all) {
      const [code] = decodeCursor(q.cursor, ['string']);
      where.push(`c.code > ${params.add(code)}`);
    }
    const limit = all ? 10_000 : (q.limit ?? DEFAULT_PAGE_SIZE);
    const rows = await this.db.query<CouponView>(
      ctx,
      `SELECT ${COUPON_COLUMNS} FROM coupons c WHERE ${where.join(' AND ')} ORDER BY c.code LIMIT ${limit + 1}`,
      params,
    );
    return toPage(rows, limit, (c) => [c.code]);
  }

  private async batch(tx: RequestContext, promotionId: string, count: number): Promise<string> {
    const [b] = await this.db.query<{ id: string }>(
      tx,
      `INSERT INTO coupon_batches (promotion_id, count, created_by_id) VALUES ($1, $2, $3) RETURNING id`,
      [promotionId, count, tx.actorId],
    );
    return b.id;
  }

  /** Inserts the given codes, or `count` fresh ones (a collision is simply drawn again). */
  private async insertCodes(
    tx: RequestContext,
    promotionId: string,
    batchId: string,
    c: {
      codes: string[] | null;
      count: number;
      maxUses: number | null;
      perCustomer: number;
      agentId: string | null;
      issuedTo: string | null;
    },
  ): Promise<string[]> {
    const out: string[] = [];
    for (let round = 0; out.length < c.count; round++) {
      if (round > 5) throw new Error('could not draw unique coupon codes');
      const want = c.codes ?? Array.from({ length: c.count - out.length }, () => readableCode(10));
      try {
        const rows = await this.db.query<{ code: string }>(
          tx,
          `INSERT INTO coupons (promotion_id, batch_id, code, max_uses, per_customer, agent_id, issued_to)
           SELECT $1, $2, code, $4, $5, $6, $7 FROM unnest($3::text[]) AS x(code)
           ON CONFLICT (code) DO NOTHING RETURNING code`,
          [promotionId, batchId, want, c.maxUses, c.perCustomer, c.agentId, c.issuedTo],
        );
        if (c.codes && rows.length < c.codes.length) throw new CouponCodeTakenError(c.codes[0]);
        out.push(...rows.map((r) => r.code));
      } catch (err) {
        if (pgErrorCode(err) === '23505' && c.codes) throw new CouponCodeTakenError(c.codes[0]);
        throw err;
      }
    }
    return out;
  }
}

/** Managers see and change their region's rows only (global ones included for admins only). */
export function regionScopeSql(ctx: RequestContext, col: string, params: SqlParams | unknown[]): string {
  const bound = SqlParams.of(params);
  if (ctx.is('admin', 'system')) return 'true';
  return `${col} = ${bound.add(ctx.principal.regionId ?? null)}`;
}

/** The region a manager's row belongs to (theirs, whatever was asked; another → 404); admins choose. */
export async function scopedRegion(
  ctx: RequestContext,
  places: PricingPlaces,
  requested: string | undefined,
): Promise<string | null> {
  if (ctx.is('regional_manager')) {
    const own = ctx.principal.regionId ?? null;
    if (!own || (requested && requested !== own)) throw new NotFoundError('region', requested);
    return own;
  }
  if (requested) await places.checkRegion(ctx, requested);
  return requested ?? null;
}

/** Every campus in scope, and in the row's region when it has one. */
export async function checkCampuses(
  ctx: RequestContext,
  places: PricingPlaces,
  regionId: string | null,
  campusIds: readonly string[] | undefined,
): Promise<void> {
  if (!campusIds?.length) return;
  const regions = await places.campusRegions(ctx, campusIds);
  campusIds.forEach((id, i) => {
    if (regionId && regions.get(id) !== regionId) {
      throw new ValidationError([{ field: `campusIds[${i}]`, message: 'is not a campus of the region' }]);
    }
  });
}

function checkKindFields(dto: CreatePromotionDto): void {
  const need = (field: keyof CreatePromotionDto, why: string) => {
    if (dto[field] === undefined || dto[field] === null) throw ValidationError.field(field, why);
  };
  const forbid = (field: keyof CreatePromotionDto) => {
    if (dto[field] !== undefined) throw ValidationError.field(field, `is not used by ${dto.kind}`);
  };
  if (dto.kind === 'percent_off') {
    need('percentBps', 'is required for percent_off');
    forbid('amountCents');
    forbid('giftSku');
  } else if (dto.kind === 'amount_off') {
    need('amountCents', 'is required for amount_off');
    forbid('percentBps');
    forbid('giftSku');
  } else if (dto.kind === 'spend_and_save') {
    need('amountCents', 'is required for spend_and_save');
    need('thresholdCents', 'is required for spend_and_save');
    if (!dto.thresholdCents) throw ValidationError.field('thresholdCents', 'must be above 0');
    forbid('percentBps');
    forbid('giftSku');
  } else {
    need('giftSku', 'is required for gift');
    forbid('percentBps');
    forbid('amountCents');
    if (dto.requiresCoupon) throw ValidationError.field('requiresCoupon', 'a gift applies automatically');
  }
  if (dto.amountCents !== undefined && dto.amountCents < 1)
    throw ValidationError.field('amountCents', 'must be at least 1');
}
