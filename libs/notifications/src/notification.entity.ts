import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const NOTIFICATION_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'suppressed',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** One outbound message: what was (or will be) sent, to whom, and what the provider said. */
@Entity('notifications')
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  toPhone: string;

  @Column({ type: 'text' })
  template: string;

  @Column({ type: 'text' })
  language: string;

  /** The text as logged: one-time codes masked. */
  @Column({ type: 'text' })
  body: string;

  /** The full text of a code message, sealed for the sender until it is sent (see code-seal.ts). */
  @Column({ type: 'text', nullable: true, select: false })
  sealedBody: string | null;

  @Column({ type: 'text' })
  status: NotificationStatus;

  @Column({ type: 'text', nullable: true })
  transport: string | null;

  @Column({ type: 'text', nullable: true })
  providerId: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ type: 'uuid', nullable: true })
  customerId: string | null;

  @Column({ type: 'uuid', nullable: true })
  orderId: string | null;

  @Column({ type: 'text', nullable: true })
  dedupeKey: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** How a phone number wants to be texted: its language and whether it opted out (STOP). */
@Entity('sms_preferences')
export class SmsPreference {
  @PrimaryColumn({ type: 'text' })
  phone: string;

  @Column({ type: 'boolean' })
  optedOut: boolean;

  @Column({ type: 'text' })
  language: 'zh-CN' | 'en';

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
