import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Channel } from '@campus/core';
import type { OrderStatus } from './order-state-machine';
import type { FulfilmentType, PaymentMethod } from './order.types';

@Entity('orders')
export class Order {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  number: string;

  @Column({ type: 'text' })
  channel: Channel;

  @Column({ type: 'text' })
  status: OrderStatus;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'text' })
  customerPhone: string;

  @Column({ type: 'uuid', nullable: true })
  agentId: string | null;

  @Column({ type: 'uuid', nullable: true })
  assignedAgentId: string | null;

  @Column({ type: 'uuid' })
  regionId: string;

  @Column({ type: 'uuid' })
  campusId: string;

  @Column({ type: 'text' })
  fulfilmentType: FulfilmentType;

  @Column({ type: 'uuid', nullable: true })
  pickupPointId: string | null;

  @Column({ type: 'text', nullable: true })
  address: string | null;

  @Column({ type: 'text' })
  paymentMethod: PaymentMethod;

  @Column({ type: 'bigint' })
  totalCents: string;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'uuid' })
  createdById: string;

  @Column({ type: 'text' })
  createdByRole: string;

  @Column({ type: 'bigint', nullable: true })
  codCollectedCents: string | null;

  @Column({ type: 'timestamptz', nullable: true }) paidAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) assignedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) dispatchedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) deliveredAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) cancelledAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) returnedAt: Date | null;
  /** The payment deadline of an unpaid online order. */
  @Column({ type: 'timestamptz', nullable: true }) paymentDueAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
