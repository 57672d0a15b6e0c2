/** What a customer comes back about: a complaint, a question, or something to repair. */
export const TICKET_KINDS = ['complaint', 'enquiry', 'repair'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

export const TICKET_STATUSES = ['open', 'resolved'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * How a ticket ended: answered (advice or information), a repair arranged (e.g. a repair pickup
 * task), compensated (money back through the order's money ledger), or no fault found.
 */
export const TICKET_OUTCOMES = ['answered', 'repair_arranged', 'compensated', 'no_fault'] as const;
export type TicketOutcome = (typeof TICKET_OUTCOMES)[number];

export interface TicketMessageView {
  id: string;
  author: 'customer' | 'staff';
  authorRole: string;
  body: string;
  /** The text that carried a staff reply to the customer (null for the customer's own messages). */
  notificationId: string | null;
  createdAt: Date;
}

export interface TicketView {
  id: string;
  /** Short reference read out on the phone and put in texts (the id's first 8 characters). */
  ref: string;
  kind: TicketKind;
  status: TicketStatus;
  customer: { id: string | null; phone: string };
  orderId: string | null;
  orderNumber: string | null;
  regionId: string | null;
  campusId: string | null;
  body: string;
  createdByRole: string;
  createdAt: Date;
  /** When the first staff reply is due (opened + TICKET_SLA_HOURS). */
  dueAt: Date;
  firstReplyAt: Date | null;
  /** Open, no staff reply yet, and past `dueAt` by the app's clock. */
  overdue: boolean;
  outcome: TicketOutcome | null;
  resolutionNote: string | null;
  compensationCents: number | null;
  /** The refunds written for the compensation (order money ledger). */
  refundIds: string[];
  resolvedAt: Date | null;
  updatedAt: Date;
}

export interface TicketDetail extends TicketView {
  messages: TicketMessageView[];
}
