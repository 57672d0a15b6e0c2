import { BusinessRuleError, ForbiddenError, ValidationError } from '@campus/core';
import { checkResolution, isOverdue, replyDueAt, ticketRef } from './ticket-policy';

describe('ticket-policy', () => {
  const opened = new Date('2026-12-01T00:00:00Z');
  const due = replyDueAt(opened, 24);

  it('is due TICKET_SLA_HOURS after it was opened', () => {
    expect(due.toISOString()).toBe('2026-12-02T00:00:00.000Z');
  });

  it('is overdue only when open, unanswered and past the deadline', () => {
    const after = new Date(due.getTime() + 1);
    const before = new Date(due.getTime() - 1);
    expect(isOverdue({ status: 'open', firstReplyAt: null, dueAt: due }, after)).toBe(true);
    expect(isOverdue({ status: 'open', firstReplyAt: null, dueAt: due }, due)).toBe(true);
    expect(isOverdue({ status: 'open', firstReplyAt: null, dueAt: due }, before)).toBe(false);
    expect(isOverdue({ status: 'open', firstReplyAt: opened, dueAt: due }, after)).toBe(false);
    expect(isOverdue({ status: 'resolved', firstReplyAt: null, dueAt: due }, after)).toBe(false);
  });

  it('refers to a ticket by the first 8 characters of its id', () => {
    expect(ticketRef('3f2a9c1e-0000-4000-8000-000000000000')).toBe('3F2A9C1E');
  });

  describe('checkResolution', () => {
    const withOrder = { orderId: 'o1' };
    it('needs compensationCents with the outcome compensated, and only then', () => {
      expect(() => checkResolution({ outcome: 'compensated' }, withOrder, 'admin')).toThrow(ValidationError);
      expect(() =>
        checkResolution({ outcome: 'answered', compensationCents: 100 }, withOrder, 'admin'),
      ).toThrow(ValidationError);
      expect(() => checkResolution({ outcome: 'answered' }, withOrder, 'call_center')).not.toThrow();
    });

    it('lets only managers and admins give money back, and only on a ticket about an order', () => {
      const input = { outcome: 'compensated' as const, compensationCents: 500 };
      expect(() => checkResolution(input, withOrder, 'call_center')).toThrow(ForbiddenError);
      expect(() => checkResolution(input, { orderId: null }, 'admin')).toThrow(BusinessRuleError);
      expect(() => checkResolution(input, withOrder, 'regional_manager')).not.toThrow();
    });
  });
});
