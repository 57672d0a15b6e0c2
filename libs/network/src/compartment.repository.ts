import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import type { CompartmentSize, CompartmentState } from './network.entities';

export interface CompartmentRef {
  id: string;
  label: string;
  size: CompartmentSize;
}

export interface CompartmentView {
  id: string;
  lockerId: string;
  label: string;
  size: string;
  state: CompartmentState;
  orderId: string | null;
  updatedAt: Date;
}

/**
 * The statements of the `compartments` table, which network owns (a compartment is created with its
 * locker). Fulfilment decides when a compartment is taken, freed or taken out of service and calls
 * these inside its own transaction (the context carries it), so a deposit is still one statement
 * and one lock, as before the table had a single owner.
 */
@Injectable()
export class CompartmentRepository {
  constructor(private readonly db: Db) {}

  /**
   * Takes the first free compartment of the best fitting size (then by label) for `orderId`. Rows
   * another deposit is taking are skipped, not waited for, and a row taken meanwhile fails the
   * re-check on lock: 100 concurrent deposits into 50 compartments take exactly 50.
   */
  async allocate(
    tx: RequestContext,
    lockerId: string,
    sizes: CompartmentSize[],
    orderId: string,
  ): Promise<CompartmentRef | null> {
    const rows = await this.db.query<CompartmentRef>(
      tx,
      `UPDATE compartments SET state = 'occupied', order_id = $3, updated_at = now()
        WHERE id = (
          SELECT id FROM compartments
           WHERE locker_id = $1 AND state = 'free' AND size = ANY($2::text[])
           ORDER BY array_position($2::text[], size), label
           LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id, label, size`,
      [lockerId, sizes, orderId],
    );
    return rows[0] ?? null;
  }

  /** Frees the compartment if it still holds `orderId`'s parcel. */
  async release(tx: RequestContext, compartmentId: string, orderId: string): Promise<void> {
    await this.db.query(
      tx,
      `UPDATE compartments SET state = 'free', order_id = NULL, updated_at = now() WHERE id = $1 AND order_id = $2`,
      [compartmentId, orderId],
    );
  }

  /** A compartment of the locker, locked for a state change; null when the locker has no such one. */
  async lockInLocker(
    tx: RequestContext,
    compartmentId: string,
    lockerId: string,
  ): Promise<{ label: string; state: CompartmentState } | null> {
    const [row] = await this.db.query<{ label: string; state: CompartmentState }>(
      tx,
      `SELECT label, state FROM compartments WHERE id = $1 AND locker_id = $2 FOR UPDATE`,
      [compartmentId, lockerId],
    );
    return row ?? null;
  }

  /** Sets the state (its timestamp moves only when the state does). */
  async setState(
    tx: RequestContext,
    compartmentId: string,
    state: CompartmentState,
  ): Promise<CompartmentView> {
    const [row] = await this.db.query<CompartmentView>(
      tx,
      `UPDATE compartments SET state = $2, updated_at = CASE WHEN state = $2 THEN updated_at ELSE now() END
        WHERE id = $1
        RETURNING id, locker_id AS "lockerId", label, size, state, order_id AS "orderId", updated_at AS "updatedAt"`,
      [compartmentId, state],
    );
    return row;
  }
}
