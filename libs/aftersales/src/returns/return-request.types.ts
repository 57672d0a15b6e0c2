export const RETURN_REQUEST_STATUSES = ['open', 'approved', 'rejected', 'received'] as const;
export type ReturnRequestStatus = (typeof RETURN_REQUEST_STATUSES)[number];

/** How the goods come back: an agent collects them (a `return_pickup` task) or the customer brings them. */
export const RETURN_COLLECTIONS = ['agent', 'drop_off'] as const;
export type ReturnCollection = (typeof RETURN_COLLECTIONS)[number];

export interface ReturnRequestLineView {
  /** 0-based position of the order line the units come from. */
  lineIndex: number;
  sku: string;
  name: string;
  quantity: number;
  /** What these units refunded (exact fen), once received; null before. */
  refundCents: number | null;
}

/** A customer's request to return some lines or quantities of a delivered order. */
export interface ReturnRequestView {
  id: string;
  orderId: string;
  orderNumber: string;
  regionId: string;
  campusId: string;
  customerId: string;
  channel: string;
  status: ReturnRequestStatus;
  collection: ReturnCollection;
  reason: string;
  decisionNote: string | null;
  lines: ReturnRequestLineView[];
  /** The `return_pickup` task of an approved request collected by an agent. */
  taskId: string | null;
  refundCents: number | null;
  refundIds: string[];
  requestedBy: { id: string; role: string };
  decidedById: string | null;
  decidedAt: Date | null;
  receivedById: string | null;
  receivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
