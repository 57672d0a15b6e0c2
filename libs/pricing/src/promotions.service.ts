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
import { Db, pgErrorCode } from '@campus/database';
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
import { checkCampuses, scopedRegion } from './pricing-scope';
import { audited, checkKindFields } from './promotion-rules';
import { CouponCodeTakenError, PromotionNotCouponError } from './pricing.errors';
import { PromotionRepository } from './promotion.repository';
import { CouponView, IssuedCoupons, PromotionView } from './promotion.types';

export type { CouponView, IssuedCoupons, PromotionView } from './promotion.types';

/**
 * Promotions and their coupons, as admins (everything) and regional managers (their region only:
 * a promotion of another region, or a global one, answers 404 to them) manage them. Every change is
 * audited in its own transaction.
 */
@Injectable()
export class PromotionsService {
  constructor(
    private readonly db: Db,
    private readonly promotions: PromotionRepository,
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
        giftId = await this.promotions.activeProductId(tx, dto.giftSku!);
        if (!giftId) throw ValidationError.field('giftSku', `unknown SKU ${dto.giftSku}`);
      }
      const id = await this.promotions.insert(tx, {
        name: dto.name,
        kind: dto.kind,
        percentBps: dto.kind === 'percent_off' ? dto.percentBps! : null,
        amountCents: dto.kind === 'amount_off' || dto.kind === 'spend_and_save' ? dto.amountCents! : null,
        thresholdCents: dto.thresholdCents ?? 0,
        giftProductId: giftId,
        skus: [...new Set(dto.skus ?? [])],
        categories: [...new Set(dto.categories ?? [])],
        regionId,
        campusIds: [...new Set(dto.campusIds ?? [])],
        channels: [...new Set(dto.channels ?? [])],
        requiresCoupon: dto.requiresCoupon ?? false,
        startsAt,
        endsAt,
        maxUses: dto.maxUses ?? null,
      });
      const created = await this.get(tx, id);
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
    const promotion = await this.promotions.find(ctx, id);
    if (!promotion) throw new NotFoundError('promotion', id);
    return promotion;
  }

  async list(ctx: RequestContext, q: PromotionQueryDto): Promise<Page<PromotionView>> {
    let before: [string, string] | undefined;
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['string', 'string']);
      before = [String(at), String(id)];
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.promotions.list(ctx, { kind: q.kind, status: q.status, before }, limit);
    const page = toPage(rows, limit, (r) => [r.cursorAt, r.id]);
    return { ...page, items: page.items.map(({ cursorAt: _c, ...p }) => p) };
  }

  async update(ctx: RequestContext, id: string, dto: UpdatePromotionDto): Promise<PromotionView> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.get(tx, id);
      const uses = await this.promotions.lockUses(tx, id);
      const endsAt = dto.endsAt ? new Date(dto.endsAt) : null;
      if (endsAt && endsAt <= before.startsAt)
        throw ValidationError.field('endsAt', 'must be after startsAt');
      if (typeof dto.maxUses === 'number' && dto.maxUses < uses) {
        throw new ValidationError([
          { field: 'maxUses', message: `must be at least the ${uses} uses already made`, code: 'min' },
        ]);
      }
      await this.promotions.update(tx, id, {
        active: dto.active ?? null,
        endsAt,
        maxUses: dto.maxUses,
        name: dto.name ?? null,
      });
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
      const batchId = await this.promotions.insertBatch(tx, promotionId, count);
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
      const batchId = await this.promotions.insertBatch(tx, promotionId, phones.length);
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
    let afterCode: string | undefined;
    if (q.cursor && !all) afterCode = String(decodeCursor(q.cursor, ['string'])[0]);
    const limit = all ? 10_000 : (q.limit ?? DEFAULT_PAGE_SIZE);
    const rows = await this.promotions.coupons(ctx, promotionId, { batchId: q.batchId, afterCode }, limit);
    return toPage(rows, limit, (c) => [c.code]);
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
        const inserted = await this.promotions.insertCoupons(tx, {
          promotionId,
          batchId,
          codes: want,
          maxUses: c.maxUses,
          perCustomer: c.perCustomer,
          agentId: c.agentId,
          issuedTo: c.issuedTo,
        });
        if (c.codes && inserted.length < c.codes.length) throw new CouponCodeTakenError(c.codes[0]);
        out.push(...inserted);
      } catch (err) {
        if (pgErrorCode(err) === '23505' && c.codes) throw new CouponCodeTakenError(c.codes[0]);
        throw err;
      }
    }
    return out;
  }
}
