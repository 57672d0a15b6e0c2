import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import { NotFoundError, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { CompartmentRepository, CompartmentView, NetworkService } from '@campus/network';
import type { SettableCompartmentState } from './dto/fulfilment.dto';
import { CompartmentOccupiedError } from './fulfilment.errors';

export type { CompartmentView } from '@campus/network';

/**
 * Takes compartments out of service and back. Only an empty compartment changes state (a held
 * parcel is collected or expires first); an out-of-service one is never allocated.
 */
@Injectable()
export class CompartmentsService {
  constructor(
    private readonly db: Db,
    private readonly network: NetworkService,
    private readonly compartments: CompartmentRepository,
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
      const current = await this.compartments.lockInLocker(tx, compartmentId, lockerId);
      if (!current) throw new NotFoundError('compartment', compartmentId);
      if (current.state === 'reserved' || current.state === 'occupied') {
        throw new CompartmentOccupiedError(current.label);
      }
      const row = await this.compartments.setState(tx, compartmentId, state);
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
