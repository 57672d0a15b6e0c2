import { BusinessRuleError, RateLimitedError } from '@campus/core';

export class WrongConfirmationCodeError extends BusinessRuleError {
  constructor(triesLeft: number) {
    super(
      'wrong_confirmation_code',
      triesLeft > 0
        ? 'That is not the confirmation code texted to the customer'
        : 'That is not the confirmation code; the code is now locked until the call centre or a manager issues a new one',
      { triesLeft },
    );
  }
}

/**
 * Five wrong codes lock the task's code. The count belongs to the task (reschedules and reassignments
 * do not reset it) and no timer lifts it: only the call centre or a manager issues a new code.
 */
export class ConfirmationCodeLockedError extends RateLimitedError {
  constructor() {
    super(
      'Too many wrong confirmation codes for this task; the call centre or a manager issues a new code (POST /api/tasks/:id/new-code)',
      0,
      'confirmation_code_locked',
    );
  }
}

export class OrderNotDeliveredError extends BusinessRuleError {
  constructor(orderId: string, status: string) {
    super(
      'order_not_delivered',
      `The installation cannot be done before its order is delivered (order ${orderId} is ${status})`,
      { orderId, orderStatus: status },
    );
  }
}

export class TasksPendingError extends BusinessRuleError {
  constructor(orderId: string, tasks: { id: string; status: string }[]) {
    super(
      'tasks_pending',
      `Order ${orderId} still has ${tasks.length} unfinished task(s); it completes when they are done`,
      { orderId, tasks },
    );
  }
}

export class TaskAgentUnavailableError extends BusinessRuleError {
  constructor(agentId: string, why: string) {
    super('agent_unavailable', `Agent ${agentId} ${why}`, { agentId });
  }
}

/** A training task is confirmed only once every point of its checklist was taught (ticked). */
export class ChecklistIncompleteError extends BusinessRuleError {
  constructor(open: string[]) {
    super('checklist_incomplete', `Tick every point of the training checklist first: ${open.join('; ')}`, {
      open,
      errors: [{ field: 'checklist', message: `${open.length} point(s) not ticked` }],
    });
  }
}
