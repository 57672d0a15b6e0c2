import { BusinessRuleError, ConflictError, ForbiddenError } from '@campus/core';

export class SettlementExistsError extends ConflictError {
  constructor(regionId: string, period: string, settlementId: string) {
    super('settlement_exists', `Region ${regionId} already has a settlement for ${period}`, {
      regionId,
      period,
      settlementId,
    });
  }
}

/** Four eyes: a settlement is approved by someone other than who drew it up (or by an admin). */
export class FourEyesRequiredError extends BusinessRuleError {
  constructor(settlementId: string) {
    super(
      'four_eyes_required',
      'You drew this settlement up: another manager of the region, or an admin, approves it',
      { settlementId },
    );
  }
}

/** A draft can be discarded only while no later settlement of its region was drawn up around it. */
export class SettlementNotLatestError extends ConflictError {
  constructor(settlementId: string) {
    super(
      'settlement_not_latest',
      'A later settlement of this region was drawn up after this draft; discard that one first',
      { settlementId },
    );
  }
}

/** A commission rate or tier bonus above COMMISSION_MAX_BPS is for admins to set. */
export class CommissionCapError extends ForbiddenError {
  constructor(field: string, bps: number, capBps: number) {
    super(
      `${field} ${bps} bps is above the cap of ${capBps} bps (COMMISSION_MAX_BPS): only an admin may set it`,
      'commission_above_cap',
    );
    Object.assign(this.extra, {
      field,
      bps,
      capBps,
      errors: [{ field, message: `must be at most ${capBps}` }],
    });
  }
}
