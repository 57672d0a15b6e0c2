import { IllegalTransitionError } from './errors';

/** One row of a lifecycle table: an action is allowed from these states and leads to `to`. */
export interface Transition<S extends string> {
  from: readonly S[];
  to: S;
}

/**
 * A lifecycle as data: the table is the only place that says which moves are allowed.
 * Services ask it for the next state and persist the move themselves.
 */
export class StateMachine<S extends string, A extends string> {
  constructor(
    readonly entity: string,
    private readonly table: Readonly<Record<A, Transition<S>>>,
  ) {}

  can(from: S, action: A): boolean {
    return this.table[action].from.includes(from);
  }

  /** The state after `action`, or IllegalTransitionError naming the current state. */
  next(from: S, action: A): S {
    if (!this.can(from, action)) throw new IllegalTransitionError(this.entity, from, action);
    return this.table[action].to;
  }

  /** States from which `action` is allowed, for conditional updates (`WHERE status = ANY(...)`). */
  sourcesOf(action: A): readonly S[] {
    return this.table[action].from;
  }

  actions(): A[] {
    return Object.keys(this.table) as A[];
  }
}
