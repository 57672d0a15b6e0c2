import { BusinessRuleError, ConflictError, DomainError, ForbiddenError } from '@campus/core';

/** The provider could not be reached or answered "try again" (network, 5xx, system busy): 502, nothing written. */
export class ProviderUnavailableError extends DomainError {
  readonly status = 502;
  readonly title = 'Payment provider unavailable';
  constructor(detail = 'Alipay cannot be reached right now; try again or choose cash on delivery') {
    super('provider_unavailable', detail);
  }
}

/** The provider refused the request for good (an Alipay business error): its sub_code and sub_msg. */
export class ProviderRefusedError extends BusinessRuleError {
  constructor(
    readonly subCode: string,
    readonly subMsg: string,
  ) {
    super('provider_refused', `Alipay refused: ${subCode} ${subMsg}`.trim(), { subCode, subMsg });
  }
}

/** Online payment by Alipay is switched off (ALIPAY_APP_ID unset): cash on delivery only. */
export class PaymentMethodUnavailableError extends BusinessRuleError {
  constructor(method: string) {
    super('payment_method_unavailable', `Paying by ${method} is not available; choose cash on delivery`, {
      method,
    });
  }
}

/** The order cannot be paid this way now (not unpaid, already paid, not at the door...). */
export class OrderNotPayableError extends ConflictError {
  constructor(method: string, currentStatus: string, detail: string) {
    super('order_not_payable', detail, { method, currentStatus });
  }
}

/** The order's payment window has (nearly) run out: it is about to be cancelled. */
export class PaymentWindowClosedError extends ConflictError {
  constructor(dueAt: Date) {
    super('payment_window_closed', 'The time to pay this order has run out', {
      paymentDueAt: dueAt.toISOString(),
    });
  }
}

/** A method for another role: customers pay on their phone or desktop, agents show the QR at the door. */
export class MethodNotForRoleError extends ForbiddenError {
  constructor(method: string, role: string) {
    super(`A ${role} cannot start a ${method} payment`, 'method_not_allowed_for_role');
  }
}

/** The generic provider's amount differs from the order total. */
export class AmountMismatchError extends BusinessRuleError {
  constructor(expected: number, got: number) {
    super('amount_mismatch', `The order total is ${expected} cents; the notice says ${got}`, {
      expected,
      got,
    });
  }
}
