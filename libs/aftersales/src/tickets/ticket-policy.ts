import { BusinessRuleError, FieldError, ForbiddenError, ValidationError } from '@campus/core';
import type { TicketOutcome } from './ticket.types';

/** Open, not yet answered by staff, and past its first-reply deadline. */
export function isOverdue(t: { status: string; firstReplyAt: Date | null; dueAt: Date }, now: Date): boolean {
  return t.status === 'open' && t.firstReplyAt === null && t.dueAt.getTime() <= now.getTime();
}

/** The first-reply deadline of a ticket opened at `openedAt`. */
export function replyDueAt(openedAt: Date, slaHours: number): Date {
  return new Date(openedAt.getTime() + slaHours * 3_600_000);
}

/** The ticket's short reference (texts, the phone): the id's first 8 characters, upper case. */
export function ticketRef(id: string): string {
  return id.slice(0, 8).toUpperCase();
}

/**
 * Checks a resolution before anything is locked or written: `compensationCents` goes with the
 * outcome `compensated` and only with it (400 naming the field); money is given back only by a
 * regional manager or an admin (403), and only on a ticket about an order (422: there is no money
 * ledger to draw on without one).
 */
export function checkResolution(
  input: { outcome: TicketOutcome; compensationCents?: number },
  ticket: { orderId: string | null },
  role: string,
): void {
  const problems: FieldError[] = [];
  const cents = input.compensationCents;
  if (input.outcome === 'compensated' && (cents === undefined || cents <= 0)) {
    problems.push({
      field: 'compensationCents',
      message: 'is required (> 0) when the outcome is compensated',
    });
  }
  if (input.outcome !== 'compensated' && cents !== undefined) {
    problems.push({ field: 'compensationCents', message: 'only goes with the outcome compensated' });
  }
  if (problems.length) throw new ValidationError(problems);
  if (input.outcome !== 'compensated') return;
  if (role !== 'regional_manager' && role !== 'admin') {
    throw new ForbiddenError(
      'Only a regional manager or an admin gives money back',
      'compensation_needs_manager',
    );
  }
  if (!ticket.orderId) {
    throw new BusinessRuleError(
      'compensation_needs_order',
      'A ticket without an order has no payment to refund from',
      { errors: [{ field: 'compensationCents', message: 'the ticket is not about an order' }] },
    );
  }
}
