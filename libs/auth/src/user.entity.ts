import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '@campus/core';

export type StaffRole = Exclude<Role, 'customer'>;

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  username: string;

  @Column({ type: 'text', select: false })
  passwordHash: string;

  @Column({ type: 'text' })
  role: StaffRole;

  @Column({ type: 'text', nullable: true })
  displayName: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'uuid', nullable: true })
  regionId: string | null;

  @Column({ type: 'uuid', nullable: true })
  campusId: string | null;

  @Column({ type: 'uuid', nullable: true })
  pickupPointId: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Set by a password reset, cleared by the account's own change. */
  @Column({ type: 'boolean', default: false })
  mustChangePassword: boolean;

  /** Carried in every access token; bumped by a password change or reset to revoke older tokens. */
  @Column({ type: 'integer', default: 0 })
  tokenVersion: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
