import { StateMachine } from '@campus/core';

export const ORDER_STATUSES = [
  'pending_payment',
  'confirmed',
  'assigned',
  'out_for_delivery',
  'awaiting_pickup',
  'delivered',
  'completed',
  'cancelled',
  'returned',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type OrderAction =
  | 'pay'
  | 'assign'
  | 'unassign'
  | 'dispatch'
  | 'deliver'
  | 'deposit'
  | 'pickup'
  | 'hand_over'
  | 'expire'
  | 'complete'
  | 'cancel'
  | 'abandon'
  | 'return'
  | 'choose_cod';

/**
 * The order lifecycle, in one table (DESIGN.md §5). Nothing else decides whether a move is allowed.
 * `assign` from `assigned` is a reassignment; `unassign` returns an undispatched order to the pool.
 * `hand_over` is a counter sale whose goods are on the shelf, handed over at once.
 * `abandon` cancels a cash-on-delivery order its agent could not deliver (the customer unreachable
 * twice): unlike `cancel`, it is allowed once the goods are out, and they come back to stock.
 * `choose_cod` is an unpaid online order the customer decides to pay in cash on delivery instead
 * (e.g. while Alipay cannot be reached): it is confirmed at once and its payment timers stop mattering.
 */
export const ORDER_TRANSITIONS = {
  pay: { from: ['pending_payment'], to: 'confirmed' },
  assign: { from: ['confirmed', 'assigned'], to: 'assigned' },
  unassign: { from: ['assigned'], to: 'confirmed' },
  dispatch: { from: ['assigned'], to: 'out_for_delivery' },
  deliver: { from: ['out_for_delivery'], to: 'delivered' },
  deposit: { from: ['out_for_delivery'], to: 'awaiting_pickup' },
  pickup: { from: ['awaiting_pickup'], to: 'delivered' },
  hand_over: { from: ['confirmed'], to: 'delivered' },
  expire: { from: ['awaiting_pickup'], to: 'returned' },
  complete: { from: ['delivered'], to: 'completed' },
  cancel: { from: ['pending_payment', 'confirmed', 'assigned'], to: 'cancelled' },
  abandon: { from: ['assigned', 'out_for_delivery'], to: 'cancelled' },
  return: { from: ['delivered', 'completed'], to: 'returned' },
  choose_cod: { from: ['pending_payment'], to: 'confirmed' },
} as const satisfies Record<OrderAction, { from: readonly OrderStatus[]; to: OrderStatus }>;

export const orderStateMachine = new StateMachine<OrderStatus, OrderAction>('order', ORDER_TRANSITIONS);

/** What each move does to stock: reserved at placement, then released, consumed or put back. */
export const STOCK_EFFECTS: Partial<Record<OrderAction, 'release' | 'consume' | 'restock'>> = {
  cancel: 'release',
  abandon: 'release',
  expire: 'release',
  deliver: 'consume',
  pickup: 'consume',
  hand_over: 'consume',
  return: 'restock',
};

/**
 * The timestamp column stamped when an order enters a status. `paid_at` is not here: an order also
 * re-enters `confirmed` when it goes back to the dispatch pool (`unassign`), which is no payment.
 */
export const STATUS_TIMESTAMPS: Partial<Record<OrderStatus, string>> = {
  assigned: 'assigned_at',
  out_for_delivery: 'dispatched_at',
  delivered: 'delivered_at',
  completed: 'completed_at',
  cancelled: 'cancelled_at',
  returned: 'returned_at',
};

/** The timestamp column stamped by an action whatever the status it leads to. */
export const ACTION_TIMESTAMPS: Partial<Record<OrderAction, string>> = {
  pay: 'paid_at',
};
