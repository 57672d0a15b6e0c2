import { BusinessRuleError, ConflictError, formatYuan, RateLimitedError } from '@campus/core';

export class NoFreeCompartmentError extends ConflictError {
  constructor(lockerId: string, sizes: readonly string[]) {
    super('no_free_compartment', `Locker ${lockerId} has no free compartment of size ${sizes.join(' or ')}`, {
      lockerId,
      sizes,
    });
  }
}

export class CompartmentOccupiedError extends ConflictError {
  constructor(label: string) {
    super('compartment_occupied', `Compartment ${label} holds a parcel; it changes state once emptied`, {
      label,
    });
  }
}

export class WrongPickupCodeError extends BusinessRuleError {
  constructor(triesLeft: number) {
    super('wrong_pickup_code', 'That pickup code does not open any parcel here', { triesLeft });
  }
}

export class PickupLockedError extends RateLimitedError {
  constructor(retryAfterSeconds: number) {
    super('Too many wrong pickup codes; try again later', retryAfterSeconds, 'pickup_locked');
  }
}

export class CodAmountMismatchError extends BusinessRuleError {
  constructor(expectedCents: number, codCollectedCents: number, mayOverride: boolean) {
    super(
      'cod_amount_mismatch',
      `Cash on delivery must be the order total ${formatYuan(expectedCents)}, got ${formatYuan(codCollectedCents)}` +
        (mayOverride ? '; give overrideReason to record a different amount' : '; a manager may override'),
      { expectedCents, codCollectedCents },
    );
  }
}

export class CodOverCollectedError extends BusinessRuleError {
  constructor(expectedCents: number, codCollectedCents: number) {
    super(
      'cod_over_collected',
      `Cannot record ${formatYuan(codCollectedCents)} for an order of ${formatYuan(expectedCents)}`,
      { expectedCents, codCollectedCents },
    );
  }
}

export class NothingToCollectError extends BusinessRuleError {
  constructor(paymentMethod: string) {
    super('nothing_to_collect', `This order is paid ${paymentMethod}; there is no cash to collect`, {
      paymentMethod,
    });
  }
}

export class CodPayAtCounterError extends BusinessRuleError {
  constructor() {
    super(
      'cod_pay_at_counter',
      'This parcel is cash on delivery: collect it from the pickup staff, who take the payment',
    );
  }
}

export class AgentUnavailableError extends BusinessRuleError {
  constructor(agentId: string, why: string) {
    super('agent_unavailable', `Agent ${agentId} ${why}`, { agentId });
  }
}

export class WrongFulfilmentError extends BusinessRuleError {
  constructor(fulfilment: string, action: string) {
    super('wrong_fulfilment', `A ${fulfilment} order cannot ${action}`, { fulfilment, action });
  }
}

export class WrongPickupPointError extends BusinessRuleError {
  constructor(expected: string | null, actual: string) {
    super('wrong_pickup_point', `This order waits at pickup point ${expected}, not at ${actual}`, {
      expectedPickupPointId: expected,
      pickupPointId: actual,
    });
  }
}

export class NotCounterSaleError extends BusinessRuleError {
  constructor() {
    super(
      'not_a_counter_sale',
      'Only counter orders keyed at this counter are handed over at once; others are collected with a code',
    );
  }
}

export class ParcelNotWaitingError extends ConflictError {
  constructor(orderId: string, status: string) {
    super('parcel_not_waiting', `No parcel of order ${orderId} waits for pickup (the order is ${status})`, {
      orderId,
      currentStatus: status,
    });
  }
}

export class CodeResendLimitError extends RateLimitedError {
  constructor(retryAfterSeconds: number, max: number) {
    super(
      `A parcel's pickup code may be re-sent at most ${max} times a day`,
      retryAfterSeconds,
      'code_resend_limit',
    );
  }
}

export class CashUpClosedError extends ConflictError {
  constructor(day: string, closedAt: Date) {
    super(
      'cash_up_closed',
      `The cash-up of ${day} was closed at ${closedAt.toISOString()}; it no longer changes`,
      {
        day,
        closedAt: closedAt.toISOString(),
      },
    );
  }
}

/** The order was paid online (an Alipay QR at the door) while cash was being recorded for it. */
export class AlreadyPaidError extends ConflictError {
  constructor(orderId: string) {
    super('already_paid', `Order ${orderId} was paid online meanwhile; no cash is due`, { orderId });
  }
}
