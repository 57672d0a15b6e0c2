import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import { NotFoundError, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { CompartmentState, NetworkService } from '@campus/network';
import type { SettableCompartmentState } from './dto/fulfilment.dto';
import { CompartmentOccupiedError } from './fulfilment.errors';

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
 * Takes compartments out of service and back. Only an empty compartment changes state (a held
 * parcel is collected or expires first); an out-of-service one is never allocated.
 */
@Injectable()
export class CompartmentsService {
  constructor(
    private readonly db: Db,
    private readonly network: NetworkService,
    private readonly audit: AuditService,
  ) {}

  async setState(
    ctx: RequestContext,
    lockerId: string,
    compartmentId: string,
    state: SettableCompartmentState,
  ): Promise<CompartmentView> {
    const locker = await this.network.getLocker(ctx, lockerId);
    const { regionId } = await this.network.placementOfCampus(ctx, locker.campusId);
    return this.db.transaction(ctx, async (tx) => {
      const [current] = await this.db.query<{ label: string; state: CompartmentState }>(
        tx,
        `SELECT label, state FROM compartments WHERE id = $1 AND locker_id = $2 FOR UPDATE`,
        [compartmentId, lockerId],
      );
      if (!current) throw new NotFoundError('compartment', compartmentId);
      if (current.state === 'reserved' || current.state === 'occupied') {
        throw new CompartmentOccupiedError(current.label);
      }
      const [row] = await this.db.query<CompartmentView>(
        tx,
        `UPDATE compartments SET state = $2, updated_at = CASE WHEN state = $2 THEN updated_at ELSE now() END
          WHERE id = $1
          RETURNING id, locker_id AS "lockerId", label, size, state, order_id AS "orderId", updated_at AS "updatedAt"`,
        [compartmentId, state],
      );
      if (current.state !== row.state) {
        await this.audit.record(tx, {
          action: state === 'out_of_service' ? 'compartment.out_of_service' : 'compartment.in_service',
          entityType: 'compartment',
          entityId: compartmentId,
          regionId,
          before: { lockerId, label: current.label, state: current.state },
          after: { lockerId, label: row.label, state: row.state },
        });
      }
      return row;
    });
  }
}
