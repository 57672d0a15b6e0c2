import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A student; the E.164 phone number is the identity. SMS preferences live with notifications. */
@Entity('customers')
export class Customer {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  phone: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'uuid', nullable: true })
  defaultCampusId: string | null;

  @Column({ type: 'uuid', nullable: true })
  defaultPickupPointId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
