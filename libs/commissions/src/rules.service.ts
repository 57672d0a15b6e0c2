import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import { AppConfig, InjectConfig, RequestContext, ValidationError } from '@campus/core';
import { Db, sql, Sql } from '@campus/database';
import { NetworkService } from '@campus/network';
import { CommissionRule, CommissionTier, ruleScope, validityBound } from './commission-policy';
import { CommissionRuleView, CommissionTierView } from './commission.types';
import { CommissionCapError } from './commissions.errors';
import { CreateCommissionRuleDto, CreateCommissionTierDto } from './dto/commissions.dto';

function validity(dto: { validFrom?: string; validTo?: string }): { from: Date | null; to: Date | null } {
  const from = validityBound(dto.validFrom, 'from');
  const to = validityBound(dto.validTo, 'to');
  if (from && to && to <= from) throw ValidationError.field('validTo', 'must be after validFrom');
  return { from, to };
}

interface RuleRow {
  id: string;
  sku: string | null;
  category: string | null;
  rate_bps: number;
  fixed_cents: number;
  valid_from: Date | null;
  valid_to: Date | null;
  created_at: Date;
}

interface TierRow {
  id: string;
  region_id: string;
  from_order: number;
  bonus_bps: number;
  valid_from: Date | null;
  valid_to: Date | null;
  created_at: Date;
}

const toRule = (r: RuleRow): CommissionRule => ({
  id: r.id,
  sku: r.sku,
  category: r.category,
  rateBps: r.rate_bps,
  fixedCents: r.fixed_cents,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  createdAt: r.created_at,
});

const toTier = (r: TierRow): CommissionTier => ({
  id: r.id,
  regionId: r.region_id,
  fromOrder: r.from_order,
  bonusBps: r.bonus_bps,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  createdAt: r.created_at,
});

/**
 * Commission rules (global: by SKU, by category, or the default) and monthly volume tiers (per region).
 * Rules are never edited: a change is a new rule with a later `validFrom` (newest wins), and a rule is
 * ended by a new one or its `validTo`, so every entry's recorded rule stays what it was.
 */
@Injectable()
export class CommissionRulesService {
  constructor(
    private readonly db: Db,
    private readonly network: NetworkService,
    private readonly audit: AuditService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Rates above COMMISSION_MAX_BPS are money decisions for admins only (403 `commission_above_cap`). */
  private checkCap(ctx: RequestContext, field: string, bps: number | undefined): void {
    if (bps !== undefined && bps > this.config.commissionMaxBps && !ctx.is('admin', 'system')) {
      throw new CommissionCapError(field, bps, this.config.commissionMaxBps);
    }
  }

  async createRule(ctx: RequestContext, dto: CreateCommissionRuleDto): Promise<CommissionRuleView> {
    if (dto.sku !== undefined && dto.category !== undefined) {
      throw ValidationError.field(
        'category',
        'give either sku or category (or neither for the default rule)',
      );
    }
    if (dto.rateBps === undefined && dto.fixedCents === undefined) {
      throw ValidationError.field('rateBps', 'give rateBps and/or fixedCents');
    }
    this.checkCap(ctx, 'rateBps', dto.rateBps);
    const { from, to } = validity(dto);
    return this.db.transaction(ctx, async (tx) => {
      const [row] = await this.db.query<RuleRow>(
        tx,
        `INSERT INTO commission_rules (sku, category, rate_bps, fixed_cents, valid_from, valid_to, created_by_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [dto.sku ?? null, dto.category ?? null, dto.rateBps ?? 0, dto.fixedCents ?? 0, from, to, ctx.actorId],
      );
      const view = ruleView(toRule(row));
      await this.audit.record(tx, {
        action: 'commission_rule.create',
        entityType: 'commission_rule',
        entityId: view.id,
        after: { ...view } as Record<string, unknown>,
      });
      return view;
    });
  }

  async listRules(ctx: RequestContext): Promise<CommissionRuleView[]> {
    const rows = await this.db.query<RuleRow>(
      ctx,
      `SELECT * FROM commission_rules ORDER BY created_at DESC, id DESC LIMIT 1000`,
    );
    return rows.map((r) => ruleView(toRule(r)));
  }

  /** A tier for a region in the caller's scope (a manager's own region; another region is 404). */
  async createTier(ctx: RequestContext, dto: CreateCommissionTierDto): Promise<CommissionTierView> {
    await this.network.regionInScope(ctx, dto.regionId);
    this.checkCap(ctx, 'bonusBps', dto.bonusBps);
    const { from, to } = validity(dto);
    return this.db.transaction(ctx, async (tx) => {
      const [row] = await this.db.query<TierRow>(
        tx,
        `INSERT INTO commission_tiers (region_id, from_order, bonus_bps, valid_from, valid_to, created_by_id)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [dto.regionId, dto.fromOrder, dto.bonusBps, from, to, ctx.actorId],
      );
      const tier = toTier(row);
      await this.audit.record(tx, {
        action: 'commission_tier.create',
        entityType: 'commission_tier',
        entityId: tier.id,
        regionId: tier.regionId,
        after: { ...tier } as Record<string, unknown>,
      });
      return tier;
    });
  }

  async listTiers(ctx: RequestContext, regionId?: string): Promise<CommissionTierView[]> {
    const where: Sql[] = [];
    if (ctx.is('regional_manager')) where.push(sql`region_id = ${ctx.principal.regionId}`);
    if (regionId) where.push(sql`region_id = ${regionId}`);
    const rows = await this.db.query<TierRow>(
      ctx,
      sql`SELECT * FROM commission_tiers WHERE ${sql.and(where)}
        ORDER BY region_id, from_order, created_at LIMIT 1000`,
    );
    return rows.map(toTier);
  }

  /** The rules that may apply to these SKUs / categories at any time (system use). */
  async rulesFor(ctx: RequestContext, skus: string[], categories: string[]): Promise<CommissionRule[]> {
    const rows = await this.db.query<RuleRow>(
      ctx,
      `SELECT * FROM commission_rules
        WHERE sku = ANY($1::text[]) OR category = ANY($2::text[]) OR (sku IS NULL AND category IS NULL)`,
      [skus, categories],
    );
    return rows.map(toRule);
  }

  async tiersOf(ctx: RequestContext, regionId: string): Promise<CommissionTier[]> {
    const rows = await this.db.query<TierRow>(ctx, `SELECT * FROM commission_tiers WHERE region_id = $1`, [
      regionId,
    ]);
    return rows.map(toTier);
  }
}

function ruleView(r: CommissionRule): CommissionRuleView {
  return {
    id: r.id,
    sku: r.sku,
    category: r.category,
    scope: ruleScope(r),
    rateBps: r.rateBps,
    fixedCents: r.fixedCents,
    validFrom: r.validFrom,
    validTo: r.validTo,
    createdAt: r.createdAt,
  };
}
