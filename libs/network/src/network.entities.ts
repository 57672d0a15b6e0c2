import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

@Entity('regions')
export class Region {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity('campuses')
export class Campus {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'uuid' })
  regionId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** A place on a campus where parcels wait: a shop counter, a dorm lobby. */
@Entity('pickup_points')
export class PickupPoint {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'uuid' })
  campusId: string;

  @Column({ type: 'text', nullable: true })
  address: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity('lockers')
export class Locker {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'uuid' })
  pickupPointId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

export const COMPARTMENT_SIZES = ['S', 'M', 'L'] as const;
export type CompartmentSize = (typeof COMPARTMENT_SIZES)[number];
export const COMPARTMENT_STATES = ['free', 'reserved', 'occupied', 'out_of_service'] as const;
export type CompartmentState = (typeof COMPARTMENT_STATES)[number];

@Entity('compartments')
export class Compartment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  lockerId: string;

  @Column({ type: 'text' })
  label: string;

  @Column({ type: 'text' })
  size: CompartmentSize;

  @Column({ type: 'text' })
  state: CompartmentState;

  @Column({ type: 'uuid', nullable: true })
  orderId: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

export const AGENT_STATUSES = ['active', 'suspended'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** A campus agent. Its id is the id of the agent's user account. */
@Entity('agents')
export class Agent {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'uuid' })
  campusId: string;

  @Column({ type: 'text' })
  referralCode: string;

  @Column({ type: 'text' })
  displayName: string;

  @Column({ type: 'text' })
  phone: string;

  @Column({ type: 'text' })
  status: AgentStatus;

  @Column({ type: 'timestamptz', nullable: true })
  lastAssignedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
