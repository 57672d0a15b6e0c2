import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsService } from './agents.service';
import { Agent, Campus, Compartment, Locker, PickupPoint, Region } from './network.entities';
import { NetworkService } from './network.service';

@Module({
  imports: [TypeOrmModule.forFeature([Region, Campus, PickupPoint, Locker, Compartment, Agent])],
  providers: [NetworkService, AgentsService],
  exports: [NetworkService, AgentsService],
})
export class NetworkModule {}
