import { RequestContext } from '@campus/core';
import type { OrderService } from '@campus/orders';
import type { InboundSms } from './twilio-webhook';
import type { ParsedSms, SmsLanguage } from './sms-grammar';

/** One inbound text being handled, inside its transaction (system principal). */
export interface Turn {
  tx: RequestContext;
  sms: InboundSms;
  parsed: ParsedSms;
  lang: SmsLanguage;
  now: Date;
  messageId: string;
}

/** What handling a text came to: the reply (null: answer nothing) and what it touched. */
export interface Outcome {
  reply: string | null;
  command?: 'rate_limited';
  orderId?: string;
  quoteId?: string;
  optedOut?: boolean;
}

/** The same transaction, acting as the customer who owns the sending number. */
export function asCustomer(tx: RequestContext, customer: { id: string; phone: string }): RequestContext {
  return new RequestContext(
    { kind: 'customer', id: customer.id, role: 'customer', phone: customer.phone },
    tx.requestId,
    tx.manager,
    tx.ip,
  );
}

/** A text from the customer, on the order's timeline (written as the customer). */
export function noteIn(
  orders: OrderService,
  customer: RequestContext,
  orderId: string,
  m: { messageSid: string; body: string; at: Date },
): Promise<void> {
  return orders.note(customer, orderId, 'sms_in', m, 'sms');
}

/** Our answer to the turn's text, on the order's timeline. */
export function noteOut(orders: OrderService, turn: Turn, orderId: string, body: string): Promise<void> {
  return orders.note(
    turn.tx,
    orderId,
    'sms_out',
    { body, inReplyTo: turn.sms.messageSid, at: turn.now },
    'sms',
  );
}
