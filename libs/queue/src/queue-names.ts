import type { EventType } from './events';

/** One Bull queue per consuming context. */
export enum QueueName {
  Notifications = 'notifications',
  Orders = 'orders',
  Fulfilment = 'fulfilment',
  Tasks = 'tasks',
  Commissions = 'commissions',
  Payments = 'payments',
  Aftersales = 'aftersales',
}

/**
 * Who consumes which event. The relay publishes each outbox row once to every queue listed for its
 * type, with the outbox id as the job id; each (queue, event) pair has exactly one handler, checked
 * at start-up.
 */
export const SUBSCRIPTIONS: Readonly<Record<EventType, readonly QueueName[]>> = {
  'order.placed': [QueueName.Notifications, QueueName.Fulfilment],
  'order.status_changed': [
    QueueName.Notifications,
    QueueName.Fulfilment,
    QueueName.Tasks,
    QueueName.Commissions,
    QueueName.Payments,
  ],
  // The orders queue sends the reminder; the payments queue decides the expiry (each ignores the other kind).
  'order.payment_timer': [QueueName.Orders, QueueName.Payments],
  'order.payment_reminder': [QueueName.Notifications],
  'notification.requested': [QueueName.Notifications],
  'stock.low': [QueueName.Notifications],
  'sms.preference_changed': [QueueName.Notifications],
  'agent.suspended': [QueueName.Fulfilment],
  'agent.moved': [QueueName.Fulfilment],
  'parcel.timer': [QueueName.Fulfilment],
  'order.completion_due': [QueueName.Tasks],
  // The tasks queue completes the order; the commissions ledger books the install fee; after-sales
  // books a return whose pickup was done.
  'task.completed': [QueueName.Tasks, QueueName.Commissions, QueueName.Aftersales],
  'cod.collected': [QueueName.Commissions],
  'coupon.issued': [QueueName.Notifications],
  'refund.requested': [QueueName.Payments],
  'refund.cash_owed': [QueueName.Commissions],
  'order.lines_returned': [QueueName.Commissions],
  'payment.attempt_closed': [QueueName.Payments],
};

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);
