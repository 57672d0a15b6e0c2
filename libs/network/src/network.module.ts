import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsService } from './agents.service';
import { CompartmentRepository } from './compartment.repository';
import { Agent, Campus, Compartment, Locker, PickupPoint, Region } from './network.entities';
import { LockerRepository } from './locker.repository';
import { NetworkService } from './network.service';
import { PlaceRepository } from './place.repository';

@Module({
  imports: [TypeOrmModule.forFeature([Region, Campus, PickupPoint, Locker, Compartment, Agent])],
  providers: [NetworkService, PlaceRepository, LockerRepository, AgentsService, CompartmentRepository],
  exports: [NetworkService, AgentsService, CompartmentRepository],
})
export class NetworkModule {}
