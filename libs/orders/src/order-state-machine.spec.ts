import { IllegalTransitionError } from '@campus/core';
import {
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  orderStateMachine,
  OrderAction,
  OrderStatus,
} from './order-state-machine';

describe('orderStateMachine', () => {
  const legal: [OrderStatus, OrderAction, OrderStatus][] = [
    ['pending_payment', 'pay', 'confirmed'],
    ['confirmed', 'assign', 'assigned'],
    ['assigned', 'assign', 'assigned'],
    ['assigned', 'unassign', 'confirmed'],
    ['assigned', 'dispatch', 'out_for_delivery'],
    ['out_for_delivery', 'deliver', 'delivered'],
    ['out_for_delivery', 'deposit', 'awaiting_pickup'],
    ['awaiting_pickup', 'pickup', 'delivered'],
    ['awaiting_pickup', 'expire', 'returned'],
    ['confirmed', 'hand_over', 'delivered'],
    ['delivered', 'complete', 'completed'],
    ['pending_payment', 'cancel', 'cancelled'],
    ['confirmed', 'cancel', 'cancelled'],
    ['assigned', 'cancel', 'cancelled'],
    ['assigned', 'abandon', 'cancelled'],
    ['out_for_delivery', 'abandon', 'cancelled'],
    ['delivered', 'return', 'returned'],
    ['completed', 'return', 'returned'],
    ['pending_payment', 'choose_cod', 'confirmed'],
  ];

  it.each(legal)('%s --%s--> %s', (from, action, to) => {
    expect(orderStateMachine.next(from, action)).toBe(to);
  });

  it('refuses every move not in the table', () => {
    const allowed = new Set(legal.map(([f, a]) => `${f}:${a}`));
    let refused = 0;
    for (const status of ORDER_STATUSES) {
      for (const action of Object.keys(ORDER_TRANSITIONS) as OrderAction[]) {
        if (allowed.has(`${status}:${action}`)) continue;
        expect(() => orderStateMachine.next(status, action)).toThrow(IllegalTransitionError);
        refused++;
      }
    }
    expect(refused).toBe(ORDER_STATUSES.length * Object.keys(ORDER_TRANSITIONS).length - legal.length);
  });

  it('never lets a dispatched order be cancelled', () => {
    for (const s of ['out_for_delivery', 'awaiting_pickup', 'delivered', 'completed'] as OrderStatus[]) {
      expect(orderStateMachine.can(s, 'cancel')).toBe(false);
    }
  });

  it('has no way out of cancelled or returned', () => {
    for (const action of Object.keys(ORDER_TRANSITIONS) as OrderAction[]) {
      expect(orderStateMachine.can('cancelled', action)).toBe(false);
      expect(orderStateMachine.can('returned', action)).toBe(false);
    }
  });
});
