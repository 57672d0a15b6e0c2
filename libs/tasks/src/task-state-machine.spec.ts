import { IllegalTransitionError } from '@campus/core';
import {
  TASK_STATUSES,
  TASK_TRANSITIONS,
  taskStateMachine,
  TaskAction,
  TaskStatus,
} from './task-state-machine';

describe('taskStateMachine', () => {
  const legal: [TaskStatus, TaskAction, TaskStatus][] = [
    ['open', 'assign', 'assigned'],
    ['assigned', 'assign', 'assigned'],
    ['scheduled', 'assign', 'assigned'],
    ['failed', 'assign', 'assigned'],
    ['assigned', 'unassign', 'open'],
    ['scheduled', 'unassign', 'open'],
    ['assigned', 'schedule', 'scheduled'],
    ['scheduled', 'schedule', 'scheduled'],
    ['failed', 'schedule', 'scheduled'],
    ['scheduled', 'start', 'in_progress'],
    ['in_progress', 'complete', 'done'],
    ['assigned', 'fail', 'failed'],
    ['scheduled', 'fail', 'failed'],
    ['in_progress', 'fail', 'failed'],
    ['open', 'cancel', 'cancelled'],
    ['assigned', 'cancel', 'cancelled'],
    ['scheduled', 'cancel', 'cancelled'],
    ['in_progress', 'cancel', 'cancelled'],
    ['failed', 'cancel', 'cancelled'],
  ];

  it.each(legal)('%s --%s--> %s', (from, action, to) => {
    expect(taskStateMachine.next(from, action)).toBe(to);
  });

  it('refuses every move not in the table with 409 and the current status', () => {
    const allowed = new Set(legal.map(([f, a]) => `${f}:${a}`));
    let refused = 0;
    for (const status of TASK_STATUSES) {
      for (const action of Object.keys(TASK_TRANSITIONS) as TaskAction[]) {
        if (allowed.has(`${status}:${action}`)) continue;
        try {
          taskStateMachine.next(status, action);
          throw new Error(`${status} --${action}--> should be refused`);
        } catch (e) {
          expect(e).toBeInstanceOf(IllegalTransitionError);
          expect((e as IllegalTransitionError).status).toBe(409);
          expect((e as IllegalTransitionError).currentStatus).toBe(status);
        }
        refused++;
      }
    }
    expect(refused).toBe(TASK_STATUSES.length * Object.keys(TASK_TRANSITIONS).length - legal.length);
  });

  it('reaches done only from in_progress, so a task is never done without being started', () => {
    expect(taskStateMachine.sourcesOf('complete')).toEqual(['in_progress']);
  });

  it('has no way out of done or cancelled', () => {
    for (const action of Object.keys(TASK_TRANSITIONS) as TaskAction[]) {
      expect(taskStateMachine.can('done', action)).toBe(false);
      expect(taskStateMachine.can('cancelled', action)).toBe(false);
    }
  });

  it('lets a failed task be reassigned and rescheduled, but not started again directly', () => {
    expect(taskStateMachine.can('failed', 'assign')).toBe(true);
    expect(taskStateMachine.can('failed', 'schedule')).toBe(true);
    expect(taskStateMachine.can('failed', 'start')).toBe(false);
    expect(taskStateMachine.can('failed', 'complete')).toBe(false);
  });
});
