import { ConflictError } from '@campus/core';

export class SettlementExistsError extends ConflictError {
  constructor(regionId: string, period: string, settlementId: string) {
    super('settlement_exists', `Region ${regionId} already has a settlement for ${period}`, {
      regionId,
      period,
      settlementId,
    });
  }
}
