import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A saved delivery address of a customer (a dorm building and room on a campus). */
@Entity('customer_addresses')
export class CustomerAddress {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'text', nullable: true })
  label: string | null;

  @Column({ type: 'uuid' })
  campusId: string;

  @Column({ type: 'text' })
  building: string;

  @Column({ type: 'text' })
  room: string;

  @Column({ type: 'text', nullable: true })
  recipientName: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
