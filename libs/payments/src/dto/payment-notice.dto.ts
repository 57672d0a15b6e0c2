import { IsDateString } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { IsCents, IsId, IsText } from '@campus/core';

/** The generic payment provider's notice that an online order was paid. */
export class PaymentNoticeDto {
  @IsId()
  orderId: string;

  @IsCents()
  amountCents: number;

  @IsText({ max: 128, example: 'pay_20261125_0001', description: "the provider's unique payment reference" })
  providerRef: string;

  @ApiProperty({ format: 'date-time' })
  @IsDateString({}, { message: 'must be an ISO 8601 date-time' })
  paidAt: string;
}
