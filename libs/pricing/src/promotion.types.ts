import type { PromotionKind } from './pricing-policy';

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
