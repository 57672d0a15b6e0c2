import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { SmsLanguage } from './sms-grammar';

/** One inbound text and the reply it got. `messageSid` is unique: Twilio's retries find the reply. */
@Entity('sms_messages')
export class SmsMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  messageSid: string;

  @Column({ type: 'text' })
  fromPhone: string;

  @Column({ type: 'text', nullable: true })
  toPhone: string | null;

  @Column({ type: 'text' })
  body: string;

  /** The parsed command's kind, or `rate_limited`. */
  @Column({ type: 'text' })
  command: string;

  /** The language the text was written in, when it tells. */
  @Column({ type: 'text', nullable: true })
  writtenLanguage: SmsLanguage | null;

  @Column({ type: 'text' })
  replyLanguage: SmsLanguage;

  /** Null when no text was sent back (a flood past the rate limit). */
  @Column({ type: 'text', nullable: true })
  replyBody: string | null;

  @Column({ type: 'uuid', nullable: true })
  quoteId: string | null;

  @Column({ type: 'uuid', nullable: true })
  orderId: string | null;

  @Column({ type: 'timestamptz' })
  receivedAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

export const SMS_QUOTE_STATUSES = ['open', 'placed', 'superseded', 'discarded'] as const;
export type SmsQuoteStatus = (typeof SMS_QUOTE_STATUSES)[number];

/** What a BUY offered, to be placed by YES before it expires. One open quote per number. */
@Entity('sms_quotes')
export class SmsQuote {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  phone: string;

  /** The BUY text that asked for it. */
  @Column({ type: 'uuid' })
  messageId: string;

  @Column({ type: 'uuid' })
  productId: string;

  @Column({ type: 'text' })
  sku: string;

  @Column({ type: 'text' })
  productName: string;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ type: 'integer' })
  unitPriceCents: number;

  @Column({ type: 'bigint' })
  totalCents: string;

  @Column({ type: 'text' })
  paymentMethod: 'online' | 'cod';

  @Column({ type: 'text' })
  fulfilmentType: 'locker' | 'counter';

  @Column({ type: 'uuid' })
  pickupPointId: string;

  @Column({ type: 'uuid', nullable: true })
  agentId: string | null;

  @Column({ type: 'text' })
  language: SmsLanguage;

  @Column({ type: 'text' })
  replyBody: string;

  @Column({ type: 'text' })
  status: SmsQuoteStatus;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'uuid', nullable: true })
  orderId: string | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
