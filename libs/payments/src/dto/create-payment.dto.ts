import { IsOneOf, IsText } from '@campus/core';
import { ATTEMPT_METHODS, AttemptMethod } from '../payment-attempt.types';

/** `POST /api/orders/:id/payments`. */
export class CreatePaymentDto {
  @IsOneOf(ATTEMPT_METHODS, {
    description:
      'alipay_wap (phone) and alipay_page (desktop) for the customer; alipay_qr for the delivering agent',
  })
  method: AttemptMethod;

  @IsText({
    optional: true,
    max: 2000,
    description:
      'where Alipay sends the customer back; must be on PUBLIC_BASE_URL (default: the shop page of the order)',
  })
  returnUrl?: string;
}

/** `POST /api/orders/:id/payment-method`: an unpaid online order switches to cash on delivery. */
export class ChoosePaymentMethodDto {
  @IsOneOf(['cod'] as const, { description: 'only cash on delivery can be chosen after placing' })
  paymentMethod: 'cod';
}
