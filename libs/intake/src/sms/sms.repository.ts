import { Injectable } from '@nestjs/common';
import { DomainError, RequestContext } from '@campus/core';
import { Db, sql } from '@campus/database';
import type { SmsLanguage } from './sms-grammar';

/** An SMS quote with its pickup point's code and, once placed, its order's number. */
export interface QuoteRow {
  id: string;
  message_id: string;
  product_id: string;
  sku: string;
  product_name: string;
  quantity: number;
  unit_price_cents: number;
  total_cents: string;
  payment_method: 'online' | 'cod';
  fulfilment_type: 'locker' | 'counter';
  pickup_point_id: string;
  pickup_point_code: string;
  agent_id: string | null;
  reply_body: string;
  status: string;
  expires_at: Date;
  created_at: Date;
  order_id: string | null;
  order_number: string | null;
}

export interface NewSmsMessage {
  id: string;
  messageSid: string;
  from: string;
  to: string | null;
  body: string;
  command: string;
  writtenLanguage: SmsLanguage | null;
  replyLanguage: SmsLanguage;
  receivedAt: Date;
}

/** A new open quote; always cash on delivery (SMS orders pay at pickup). */
export interface NewSmsQuote {
  id: string;
  phone: string;
  messageId: string;
  productId: string;
  sku: string;
  productName: string;
  quantity: number;
  unitPriceCents: number;
  totalCents: number;
  fulfilmentType: 'locker' | 'counter';
  pickupPointId: string;
  agentId: string | null;
  language: SmsLanguage;
  replyBody: string;
  expiresAt: Date;
  createdAt: Date;
}

/**
 * The statements of the SMS channel's tables (`sms_messages`, `sms_quotes`: intake's), the
 * per-sender lock and the savepoint a refused order is undone under. SmsChannelService and
 * SmsQuotes decide.
 */
@Injectable()
export class SmsRepository {
  constructor(private readonly db: Db) {}

  /** Serialises the texts of one sender number until the transaction ends. */
  async lockSender(tx: RequestContext, phone: string): Promise<void> {
    await this.db.query(tx, sql`SELECT pg_advisory_xact_lock(hashtextextended(${`sms:${phone}`}, 0))`);
  }

  /** The stored reply to a text already handled (a retried webhook); undefined when it is new. */
  async handled(tx: RequestContext, messageSid: string): Promise<{ reply: string | null } | undefined> {
    const [seen] = await this.db.query<{ reply_body: string | null }>(
      tx,
      sql`SELECT reply_body FROM sms_messages WHERE message_sid = ${messageSid}`,
    );
    return seen ? { reply: seen.reply_body } : undefined;
  }

  /** The language the number last wrote in (a text in a recognisable language). */
  async lastWrittenLanguage(tx: RequestContext, phone: string): Promise<SmsLanguage | null> {
    const [last] = await this.db.query<{ written_language: SmsLanguage }>(
      tx,
      sql`SELECT written_language FROM sms_messages WHERE from_phone = ${phone} AND written_language IS NOT NULL
           ORDER BY received_at DESC LIMIT 1`,
    );
    return last?.written_language ?? null;
  }

  async insertMessage(tx: RequestContext, m: NewSmsMessage): Promise<void> {
    await this.db.query(
      tx,
      sql`INSERT INTO sms_messages (id, message_sid, from_phone, to_phone, body, command, written_language,
            reply_language, received_at)
          VALUES (${m.id}, ${m.messageSid}, ${m.from}, ${m.to}, ${m.body}, ${m.command}, ${m.writtenLanguage},
                  ${m.replyLanguage}, ${m.receivedAt})`,
    );
  }

  /** Stores the answer to a text (and what it led to); `command` overrides the parsed one when given. */
  async recordReply(
    tx: RequestContext,
    messageId: string,
    r: { reply: string | null; command: string | null; orderId: string | null; quoteId: string | null },
  ): Promise<void> {
    await this.db.query(
      tx,
      sql`UPDATE sms_messages SET reply_body = ${r.reply}, command = COALESCE(${r.command}, command),
                order_id = ${r.orderId}, quote_id = ${r.quoteId}
           WHERE id = ${messageId}`,
    );
  }

  /** The number's texts since `since` (but `exceptId`), and how many got the rate-limit warning. */
  async recentCounts(
    tx: RequestContext,
    phone: string,
    since: Date,
    exceptId: string,
  ): Promise<{ n: number; warned: number }> {
    const [counts] = await this.db.query<{ n: number; warned: number }>(
      tx,
      sql`SELECT count(*)::int AS n,
                 count(*) FILTER (WHERE command = 'rate_limited' AND reply_body IS NOT NULL)::int AS warned
            FROM sms_messages WHERE from_phone = ${phone} AND received_at > ${since} AND id <> ${exceptId}`,
    );
    return counts;
  }

  /** A stored text (the BUY a quote answered). */
  async message(
    tx: RequestContext,
    messageId: string,
  ): Promise<{ message_sid: string; body: string; received_at: Date }> {
    const [m] = await this.db.query<{ message_sid: string; body: string; received_at: Date }>(
      tx,
      sql`SELECT message_sid, body, received_at FROM sms_messages WHERE id = ${messageId}`,
    );
    return m;
  }

  async linkMessageToOrder(tx: RequestContext, messageId: string, orderId: string): Promise<void> {
    await this.db.query(tx, sql`UPDATE sms_messages SET order_id = ${orderId} WHERE id = ${messageId}`);
  }

  /** Supersedes the number's open quote (if any) and writes the new one. */
  async replaceOpenQuote(tx: RequestContext, q: NewSmsQuote): Promise<void> {
    await this.db.query(
      tx,
      sql`UPDATE sms_quotes SET status = 'superseded', updated_at = now() WHERE phone = ${q.phone} AND status = 'open'`,
    );
    await this.db.query(
      tx,
      sql`INSERT INTO sms_quotes (id, phone, message_id, product_id, sku, product_name, quantity, unit_price_cents,
            total_cents, payment_method, fulfilment_type, pickup_point_id, agent_id, language, reply_body, expires_at,
            created_at)
          VALUES (${q.id}, ${q.phone}, ${q.messageId}, ${q.productId}, ${q.sku}, ${q.productName}, ${q.quantity},
                  ${q.unitPriceCents}, ${q.totalCents}, 'cod', ${q.fulfilmentType}, ${q.pickupPointId}, ${q.agentId},
                  ${q.language}, ${q.replyBody}, ${q.expiresAt}, ${q.createdAt})`,
    );
  }

  /** The number's latest quote (whatever its status), locked. */
  async lockLatestQuote(tx: RequestContext, phone: string): Promise<QuoteRow | null> {
    const [quote] = await this.db.query<QuoteRow>(
      tx,
      sql`SELECT q.*, p.code AS pickup_point_code, o.number AS order_number
            FROM sms_quotes q JOIN pickup_points p ON p.id = q.pickup_point_id LEFT JOIN orders o ON o.id = q.order_id
           WHERE q.phone = ${phone} ORDER BY q.created_at DESC, q.id DESC LIMIT 1 FOR UPDATE OF q`,
    );
    return quote ?? null;
  }

  async markQuotePlaced(tx: RequestContext, quoteId: string, orderId: string): Promise<void> {
    await this.db.query(
      tx,
      sql`UPDATE sms_quotes SET status = 'placed', order_id = ${orderId}, updated_at = now() WHERE id = ${quoteId}`,
    );
  }

  /** Discards the number's open quote; its id, or null when there was none. */
  async discardOpenQuote(tx: RequestContext, phone: string): Promise<string | null> {
    const [discarded] = await this.db.query<{ id: string }>(
      tx,
      sql`UPDATE sms_quotes SET status = 'discarded', updated_at = now() WHERE phone = ${phone} AND status = 'open'
          RETURNING id`,
    );
    return discarded?.id ?? null;
  }

  /**
   * Runs `fn` under a savepoint: a refused order or cancel (a domain error) is undone on its own and
   * returned, while the inbound text and its reply are still stored in the surrounding transaction.
   */
  async attempt<T>(
    tx: RequestContext,
    fn: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: DomainError }> {
    await this.db.query(tx, `SAVEPOINT sms_attempt`);
    try {
      const value = await fn();
      await this.db.query(tx, `RELEASE SAVEPOINT sms_attempt`);
      return { ok: true, value };
    } catch (err) {
      await this.db.query(tx, `ROLLBACK TO SAVEPOINT sms_attempt`);
      if (err instanceof DomainError) return { ok: false, error: err };
      throw err;
    }
  }
}
