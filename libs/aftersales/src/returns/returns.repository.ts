import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import type {
  ReturnCollection,
  ReturnRequestLineView,
  ReturnRequestStatus,
  ReturnRequestView,
} from './return-request.types';

interface RequestRow {
  id: string;
  order_id: string;
  order_number: string;
  region_id: string;
  campus_id: string;
  customer_id: string;
  channel: string;
  status: ReturnRequestStatus;
  collection: ReturnCollection;
  reason: string;
  decision_note: string | null;
  task_id: string | null;
  refund_cents: string | null;
  refund_ids: string[];
  requested_by_id: string;
  requested_by_role: string;
  decided_by_id: string | null;
  decided_at: Date | null;
  received_by_id: string | null;
  received_at: Date | null;
  created_at: Date;
  updated_at: Date;
  lines: { line_no: number; sku: string; name: string; quantity: number; refund_cents: string | null }[];
}

const COLUMNS = `rr.id, rr.order_id, rr.order_number, rr.region_id, rr.campus_id, rr.customer_id, rr.channel, rr.status,
  rr.collection, rr.reason, rr.decision_note, rr.task_id, rr.refund_cents, rr.refund_ids, rr.requested_by_id,
  rr.requested_by_role, rr.decided_by_id, rr.decided_at, rr.received_by_id, rr.received_at, rr.created_at, rr.updated_at,
  (SELECT COALESCE(json_agg(json_build_object('line_no', l.line_no, 'sku', l.sku, 'name', l.name,
            'quantity', l.quantity, 'refund_cents', l.refund_cents) ORDER BY l.line_no), '[]'::json)
     FROM return_request_lines l WHERE l.request_id = rr.id) AS lines`;

function view(r: RequestRow): ReturnRequestView {
  const lines: ReturnRequestLineView[] = r.lines.map((l) => ({
    lineIndex: l.line_no,
    sku: l.sku,
    name: l.name,
    quantity: l.quantity,
    refundCents: l.refund_cents === null ? null : Number(l.refund_cents),
  }));
  return {
    id: r.id,
    orderId: r.order_id,
    orderNumber: r.order_number,
    regionId: r.region_id,
    campusId: r.campus_id,
    customerId: r.customer_id,
    channel: r.channel,
    status: r.status,
    collection: r.collection,
    reason: r.reason,
    decisionNote: r.decision_note,
    lines,
    taskId: r.task_id,
    refundCents: r.refund_cents === null ? null : Number(r.refund_cents),
    refundIds: r.refund_ids,
    requestedBy: { id: r.requested_by_id, role: r.requested_by_role },
    decidedById: r.decided_by_id,
    decidedAt: r.decided_at,
    receivedById: r.received_by_id,
    receivedAt: r.received_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The SQL of return requests (tables `return_requests`, `return_request_lines`, owned by aftersales). */
@Injectable()
export class ReturnsRepository {
  constructor(private readonly db: Db) {}

  async insert(
    ctx: RequestContext,
    r: {
      id: string;
      orderId: string;
      orderNumber: string;
      regionId: string;
      campusId: string;
      customerId: string;
      channel: string;
      reason: string;
      lines: { lineIndex: number; sku: string; name: string; quantity: number }[];
    },
  ): Promise<void> {
    await this.db.query(
      ctx,
      `WITH rq AS (
         INSERT INTO return_requests (id, order_id, order_number, region_id, campus_id, customer_id, channel, status,
           reason, requested_by_id, requested_by_role)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10) RETURNING id)
       INSERT INTO return_request_lines (request_id, line_no, sku, name, quantity)
       SELECT rq.id, x.line_no, x.sku, x.name, x.quantity
         FROM rq, unnest($11::int[], $12::text[], $13::text[], $14::int[]) AS x(line_no, sku, name, quantity)`,
      [
        r.id,
        r.orderId,
        r.orderNumber,
        r.regionId,
        r.campusId,
        r.customerId,
        r.channel,
        r.reason,
        ctx.actorId,
        ctx.role,
        r.lines.map((l) => l.lineIndex),
        r.lines.map((l) => l.sku),
        r.lines.map((l) => l.name),
        r.lines.map((l) => l.quantity),
      ],
    );
  }

  /** The pending (open or approved) request of an order, if any. */
  async pendingOf(ctx: RequestContext, orderId: string): Promise<string | null> {
    const [row] = await this.db.query<{ id: string }>(
      ctx,
      `SELECT id FROM return_requests WHERE order_id = $1 AND status IN ('open', 'approved')`,
      [orderId],
    );
    return row?.id ?? null;
  }

  /** One request within `scope` (SQL on `rr`), optionally locked. */
  async find(
    ctx: RequestContext,
    id: string,
    opts: { lock?: boolean; scope?: (params: unknown[]) => string } = {},
  ): Promise<ReturnRequestView | null> {
    const params: unknown[] = [id];
    const scope = opts.scope ? opts.scope(params) : 'TRUE';
    const [row] = await this.db.query<RequestRow>(
      ctx,
      `SELECT ${COLUMNS} FROM return_requests rr WHERE rr.id = $1 AND ${scope}${opts.lock ? ' FOR UPDATE OF rr' : ''}`,
      params,
    );
    return row ? view(row) : null;
  }

  async findByTask(ctx: RequestContext, taskId: string): Promise<string | null> {
    const [row] = await this.db.query<{ id: string }>(
      ctx,
      `SELECT id FROM return_requests WHERE task_id = $1`,
      [taskId],
    );
    return row?.id ?? null;
  }

  async list(
    ctx: RequestContext,
    where: string[],
    params: unknown[],
    limit: number,
  ): Promise<(ReturnRequestView & { cursorAt: string })[]> {
    const rows = await this.db.query<RequestRow & { cursor_at: string }>(
      ctx,
      `SELECT ${COLUMNS}, rr.created_at::text AS cursor_at FROM return_requests rr WHERE ${where.join(' AND ')}
        ORDER BY rr.created_at DESC, rr.id DESC LIMIT ${limit + 1}`,
      params,
    );
    return rows.map((r) => ({ ...view(r), cursorAt: r.cursor_at }));
  }

  async decide(
    ctx: RequestContext,
    id: string,
    d: { status: 'approved' | 'rejected'; note: string; collection: ReturnCollection; taskId: string | null },
  ): Promise<boolean> {
    const rows = await this.db.query(
      ctx,
      `UPDATE return_requests SET status = $2, decision_note = $3, collection = $4, task_id = $5, decided_by_id = $6,
              decided_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'open' RETURNING id`,
      [id, d.status, d.note, d.collection, d.taskId, ctx.actorId],
    );
    return rows.length === 1;
  }

  async received(
    ctx: RequestContext,
    id: string,
    r: { refundCents: number; refundIds: string[]; lines: { lineIndex: number; refundCents: number }[] },
  ): Promise<boolean> {
    const rows = await this.db.query(
      ctx,
      `UPDATE return_requests SET status = 'received', refund_cents = $2, refund_ids = $3::uuid[], received_by_id = $4,
              received_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'approved' RETURNING id`,
      [id, r.refundCents, r.refundIds, ctx.actorId],
    );
    if (rows.length !== 1) return false;
    await this.db.query(
      ctx,
      `UPDATE return_request_lines l SET refund_cents = x.cents
         FROM unnest($2::int[], $3::bigint[]) AS x(line_no, cents)
        WHERE l.request_id = $1 AND l.line_no = x.line_no`,
      [id, r.lines.map((l) => l.lineIndex), r.lines.map((l) => l.refundCents)],
    );
    return true;
  }
}
