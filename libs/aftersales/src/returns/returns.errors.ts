import { BusinessRuleError, ConflictError } from '@campus/core';

/** Asked after RETURN_WINDOW_DAYS since delivery. */
export class ReturnWindowClosedError extends BusinessRuleError {
  constructor(deliveredAt: Date, days: number) {
    super(
      'return_window_closed',
      `Returns are accepted for ${days} day(s) after delivery; this order was delivered on ${deliveredAt.toISOString()}`,
      {
        deliveredAt,
        returnWindowDays: days,
        errors: [{ field: 'lines', message: 'the return window is over' }],
      },
    );
  }
}

/** The order already has a return request waiting for a decision or for its goods. */
export class ReturnAlreadyPendingError extends ConflictError {
  constructor(requestId: string | null) {
    super('return_already_pending', 'This order already has a return request that is not finished', {
      requestId,
      errors: [{ field: 'lines', message: 'a return of this order is already pending' }],
    });
  }
}
