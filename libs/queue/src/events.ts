/**
 * The events contexts publish to each other through the outbox, with one payload type each.
 * Payloads carry ids and the few scalar facts a consumer needs to act without reading another
 * context's tables; never entities.
 */
/** The kinds of agent task (libs/tasks TASK_KINDS, repeated here: queue sits below tasks). */
export type TaskKindName =
  'delivery_install' | 'repair_pickup' | 'return_pickup' | 'training' | 'repair_return';

export interface OrderFacts {
  orderId: string;
  number: string;
  channel: string;
  status: string;
  customerId: string;
  customerPhone: string;
  totalCents: number;
  paymentMethod: string;
  fulfilmentType: string;
  regionId: string;
  campusId: string;
  pickupPointId: string | null;
  agentId: string | null;
  assignedAgentId: string | null;
  /**
   * Whether any line needs installation (an install task follows the order). Absent on events
   * written before issue 18: consumers then read the order.
   */
  installation?: boolean;
}

export interface EventPayloads {
  /** An order was accepted (any channel). */
  'order.placed': OrderFacts;
  /** An order moved through its lifecycle (`action` is the state-machine action). */
  'order.status_changed': OrderFacts & {
    action: string;
    fromStatus: string;
    toStatus: string;
    actorId: string;
    actorRole: string;
    reason: string | null;
    data: Record<string, unknown>;
  };
  /**
   * Timer: the unpaid-order reminder or the payment deadline of an online order is due. The orders
   * queue sends the reminder; the payments queue decides the expiry (it asks the provider first).
   * `deferrals` counts how often the expiry was put off because the provider could not be asked.
   */
  'order.payment_timer': { orderId: string; kind: 'reminder' | 'expiry'; deferrals?: number };
  /** An online order is still unpaid halfway through its payment window. */
  'order.payment_reminder': OrderFacts & { minutesLeft: number };
  /** A text was written to the message log and waits to be sent. */
  'notification.requested': { notificationId: string };
  /** Available stock of a SKU fell below its threshold (once per crossing). */
  'stock.low': { productId: string; sku: string; name: string; available: number; threshold: number };
  /** A customer changed how they want to be texted (STOP/START, the language they write in). */
  'sms.preference_changed': { phone: string; optedOut?: boolean; language?: 'zh-CN' | 'en' };
  /** An agent was suspended: their undispatched orders go back to the pool. */
  'agent.suspended': { agentId: string; campusId: string; regionId: string };
  /** An agent moved to another campus: their undispatched orders on the old one go back to the pool. */
  'agent.moved': { agentId: string; fromCampusId: string; toCampusId: string };
  /** An agent's task was done (its fee goes to the agent's ledger). */
  'task.completed': {
    taskId: string;
    kind: TaskKindName;
    orderId: string | null;
    agentId: string;
    regionId: string;
    campusId: string;
    installFeeCents: number;
    completedAt: string;
  };
  /** Cash on delivery was collected for an order (by an agent at the door, or at a pickup point). */
  'cod.collected': {
    orderId: string;
    agentId: string | null;
    pickupPointId: string | null;
    regionId: string;
    amountCents: number;
    collectedAt: string;
  };
  /** Timer of a parcel waiting at a pickup point: a reminder (at `hour`) or its expiry. */
  'parcel.timer': { parcelId: string; orderId: string; kind: 'reminder' | 'expiry'; hour: number };
  /** A coupon code was issued to a customer's phone (texted, unless the number sent STOP). */
  'coupon.issued': {
    promotionId: string;
    promotionName: string;
    phone: string;
    code: string;
    endsAt: string;
  };
  /**
   * An Alipay refund was written to an order's money ledger (a cancel, a return, a parcel sent back,
   * money that came too late): the payments queue asks Alipay to pay it back.
   */
  'refund.requested': {
    refundId: string;
    orderId: string;
    paymentId: string;
    /** Alipay's trade number of the money received. */
    tradeNo: string;
    amountCents: number;
  };
  /**
   * A cash refund is owed to a customer by whoever holds the cash (an agent's COD cash or a pickup
   * point's counter money); the agent's settlement counts it.
   */
  'refund.cash_owed': {
    refundId: string;
    orderId: string;
    agentId: string | null;
    pickupPointId: string | null;
    regionId: string;
    amountCents: number;
    owedAt: string;
  };
  /** A payment attempt was closed on our side (order cancelled, paid otherwise, COD chosen): close it at the provider. */
  'payment.attempt_closed': { attemptId: string; orderId: string; outTradeNo: string; reason: string };
  /**
   * Some units of a delivered order came back (a received return request): stock and refunds are
   * booked with it; commissions reverses those lines only (`fullyReturned`: the order also moved to
   * `returned`, whose own event reverses what is left).
   */
  'order.lines_returned': OrderFacts & {
    returnId: string;
    lines: {
      lineIndex: number;
      sku: string;
      quantity: number;
      returnedBefore: number;
      lineQuantity: number;
      refundCents: number;
    }[];
    refundCents: number;
    fullyReturned: boolean;
    statusAtReturn: string;
    reason: string;
  };
  /** Timer: a delivered order's return window (RETURN_WINDOW_HOURS) is over; complete it if nothing is pending. */
  'order.completion_due': { orderId: string };
}

export type EventType = keyof EventPayloads;

/** An event to append to the outbox. `availableAt` in the future makes it a timer. */
export interface OutboxEvent<E extends EventType = EventType> {
  type: E;
  aggregateId?: string | null;
  payload: EventPayloads[E];
  availableAt?: Date;
}

export function event<E extends EventType>(
  type: E,
  payload: EventPayloads[E],
  opts: { aggregateId?: string | null; availableAt?: Date } = {},
): OutboxEvent<E> {
  return { type, payload, aggregateId: opts.aggregateId ?? null, availableAt: opts.availableAt };
}
