import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { IsCents, IsId, IsOneOf, IsPhone, IsText, PageQueryDto, ToBool } from '@campus/core';
import {
  TICKET_KINDS,
  TICKET_OUTCOMES,
  TICKET_STATUSES,
  TicketKind,
  TicketOutcome,
  TicketStatus,
} from '../ticket.types';

export class CreateTicketDto {
  @IsId({ optional: true, description: 'the order it is about (a customer: one of their own, else 404)' })
  orderId?: string;

  @IsOneOf(TICKET_KINDS)
  kind: TicketKind;

  @IsText({ max: 2000, example: 'The router drops the Wi-Fi every evening' })
  body: string;

  @IsPhone({
    optional: true,
    description: 'call centre, ticket without an order: the customer’s number (ignored for customers)',
  })
  customerPhone?: string;
}

export class TicketQueryDto extends PageQueryDto {
  @IsOneOf(TICKET_STATUSES, { optional: true })
  status?: TicketStatus;

  @IsOneOf(TICKET_KINDS, { optional: true })
  kind?: TicketKind;

  @IsId({ optional: true, description: 'the tickets of one order' })
  orderId?: string;

  @ApiPropertyOptional({
    description: 'true: open without a first staff reply past TICKET_SLA_HOURS; false: the others',
  })
  @IsOptional()
  @ToBool()
  @IsBoolean()
  overdue?: boolean;
}

export class ReplyTicketDto {
  @IsText({ max: 1000, example: 'Please restart the router once; an agent can come by tomorrow.' })
  body: string;
}

export class ResolveTicketDto {
  @IsOneOf(TICKET_OUTCOMES)
  outcome: TicketOutcome;

  @IsText({ max: 500, optional: true, example: 'Router replaced under warranty' })
  note?: string;

  @IsCents({
    optional: true,
    description:
      'outcome "compensated" only (and then required): fen given back through the order’s money ledger (managers and admins)',
  })
  compensationCents?: number;
}
