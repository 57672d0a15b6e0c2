import {
  AppConfig,
  Clock,
  ConflictError,
  IllegalTransitionError,
  NotFoundError,
  Principal,
  RequestContext,
} from '@campus/core';
import type { StockService } from '@campus/catalog';
import type { PricedOrder, PricingService, Quote } from '@campus/pricing';
import type { Db } from '@campus/database';
import type { OutboxEvent, OutboxService } from '@campus/queue';
import type { MoneyLedgerRepository } from './money-ledger.repository';
import type { ReceiptBalance } from './money-policy';
import { OrderMovesService } from './order-moves.service';
import { OrderPlacementService } from './order-placement.service';
import { OrderQueriesService } from './order-queries.service';
import { OrderReturnsService } from './order-returns.service';
import { IdempotencyKeyReusedError, QuantityOverLimitError, TooManyOpenCodOrdersError } from './order.errors';
import type { NewOrder, OrderRepository } from './order.repository';
import { OrderService } from './order.service';
import type { OrderLineView, OrderView, PlaceOrderCommand } from './order.types';

/** The order services behind the facade, every collaborator faked at its seam: no PostgreSQL here. */
const ORDER = 'o-1';
const AGENT = 'ag-1';
const NOW = new Date('2026-12-06T02:00:00Z');

const ctxOf = (p: Partial<Principal> = {}) =>
  new RequestContext({ kind: 'user', id: 'u-1', role: 'call_center', ...p } as Principal, 'req');

const lineOf = (over: Partial<OrderLineView> = {}): OrderLineView => ({
  sku: 'PEN-1',
  name: 'Pen',
  quantity: 2,
  listPriceCents: 1000,
  unitPriceCents: 1000,
  discountCents: 0,
  lineTotalCents: 2000,
  promotionId: null,
  flashSaleId: null,
  discounts: [],
  requiresInstallation: false,
  installFeeCents: 0,
  returnedQuantity: 0,
  ...over,
});

const orderOf = (over: Partial<OrderView> = {}): OrderView =>
  ({
    id: ORDER,
    number: '261206000001',
    channel: 'web',
    status: 'confirmed',
    customer: { id: 'c-1', phone: '+8613800000001' },
    agentId: null,
    assignedAgentId: null,
    regionId: 'r-1',
    campusId: 'cp-1',
    lines: [
      lineOf(),
      lineOf({
        sku: 'LAMP-1',
        name: 'Lamp',
        quantity: 1,
        listPriceCents: 3000,
        unitPriceCents: 3000,
        lineTotalCents: 3000,
      }),
    ],
    subtotalCents: 5000,
    discountCents: 0,
    totalCents: 5000,
    couponCode: null,
    paymentMethod: 'online',
    fulfillment: { type: 'delivery', pickupPointId: null, campusId: 'cp-1', address: 'Dorm 3' },
    note: null,
    codCollectedCents: null,
    createdById: 'u-1',
    paidAt: NOW,
    ...over,
  }) as OrderView;

const alipayReceipt = (amountCents: number, refundedCents = 0): ReceiptBalance => ({
  paymentId: 'pay-1',
  method: 'alipay',
  amountCents,
  refundedCents,
  holder: { agentId: null, pickupPointId: null },
  providerRef: 'trade-1',
});

const quoteOf = (over: Partial<PricedOrder> = {}, maxPerOrder: number | null = null): Quote => ({
  products: new Map([
    [
      'PEN-1',
      {
        productId: 'prod-pen',
        sku: 'PEN-1',
        name: 'Pen',
        category: 'stationery',
        listPriceCents: 1000,
        requiresInstallation: false,
        installFeeCents: 0,
        maxPerOrder,
      },
    ],
  ]),
  priced: {
    lines: [
      {
        sku: 'PEN-1',
        quantity: 2,
        listPriceCents: 1000,
        unitPriceCents: 1000,
        discountCents: 0,
        lineTotalCents: 2000,
        promotionId: null,
        flashSaleId: null,
        discounts: [],
      },
    ],
    gift: null,
    subtotalCents: 2000,
    discountCents: 0,
    totalCents: 2000,
    promotions: [],
    flashSales: [],
    coupon: null,
    listPriceFallbacks: [],
    ...over,
  },
  couponAgentId: null,
});

const command = (over: Partial<PlaceOrderCommand> = {}): PlaceOrderCommand => ({
  channel: 'web',
  customer: { id: 'c-1', phone: '+8613800000001' },
  lines: [{ sku: 'PEN-1', quantity: 2 }],
  fulfilment: { type: 'delivery', regionId: 'r-1', campusId: 'cp-1', pickupPointId: null, address: 'Dorm 3' },
  paymentMethod: 'online',
  agentId: null,
  note: null,
  idempotency: { key: 'k-1', requestHash: 'h-1' },
  ...over,
});

const types = (events: OutboxEvent[]) => events.map((e) => e.type);

describe(OrderService.name, () => {
  let sut: OrderService;
  let repo: Record<keyof OrderRepository, jest.Mock>;
  let stock: { move: jest.Mock; shortfallError: jest.Mock };
  let pricing: { quote: jest.Mock; release: jest.Mock; refusal: jest.Mock; refusalError: jest.Mock };
  let outbox: { append: jest.Mock };
  let money: { insertReceipt: jest.Mock; balances: jest.Mock; insertRefunds: jest.Mock };

  beforeEach(() => {
    repo = {
      insertPlaced: jest
        .fn()
        .mockResolvedValue({ claimed: true, number: '261206000001', created_at: NOW, gift_given: false }),
      placeStatement: jest.fn(),
      idempotencyKey: jest.fn().mockResolvedValue(null),
      find: jest.fn().mockResolvedValue(orderOf()),
      idByNumber: jest.fn(),
      linesWithCategory: jest.fn(),
      list: jest.fn(),
      events: jest.fn(),
      applyMove: jest
        .fn()
        .mockImplementation((_tx, _id, m: { status: string }, lines: OrderLineView[]) =>
          Promise.resolve(orderOf({ status: m.status as OrderView['status'], lines })),
        ),
      outstandingLines: jest.fn().mockResolvedValue([
        { productId: 'prod-pen', quantity: 2 },
        { productId: 'prod-lamp', quantity: 1 },
      ]),
      markAllReturned: jest.fn().mockResolvedValue(undefined),
      addReturned: jest.fn().mockResolvedValue(undefined),
      lineProducts: jest.fn().mockResolvedValue(['prod-pen', 'prod-lamp']),
      markPrepaid: jest.fn().mockResolvedValue(undefined),
      insertEvent: jest.fn().mockResolvedValue(undefined),
      returnBooked: jest.fn().mockResolvedValue(false),
      lastReturnRefunds: jest.fn().mockResolvedValue([]),
      lineReturns: jest.fn(),
    };
    stock = { move: jest.fn().mockResolvedValue(undefined), shortfallError: jest.fn().mockReturnValue(null) };
    pricing = {
      quote: jest.fn().mockResolvedValue(quoteOf()),
      release: jest.fn().mockResolvedValue({ flashUnits: 0, coupons: 0, promotions: 0 }),
      refusal: jest.fn().mockReturnValue(null),
      refusalError: jest.fn(),
    };
    outbox = { append: jest.fn().mockResolvedValue(undefined) };
    money = {
      insertReceipt: jest.fn().mockResolvedValue('pay-cash'),
      balances: jest.fn().mockResolvedValue([]),
      insertRefunds: jest.fn().mockImplementation((_tx, _o, planned: unknown[]) =>
        Promise.resolve({
          ids: planned.map((_, i) => `rf-${i + 1}`),
          events: planned.map(() => ({ type: 'refund.requested', payload: {} }) as OutboxEvent),
        }),
      ),
    };
    const db = {
      transaction: (ctx: RequestContext, fn: (tx: RequestContext) => unknown) => fn(ctx),
    } as unknown as Db;
    const clock: Clock = { now: () => NOW, onJump: () => () => undefined };
    const config = { paymentWindowMinutes: 30, maxOpenCodOrders: 3 } as AppConfig;
    const r = repo as unknown as OrderRepository;
    const s = stock as unknown as StockService;
    const p = pricing as unknown as PricingService;
    const o = outbox as unknown as OutboxService;
    const m = money as unknown as MoneyLedgerRepository;
    const moves = new OrderMovesService(db, r, s, p, o, m, clock);
    sut = new OrderService(
      new OrderPlacementService(r, s, p, clock, config),
      moves,
      new OrderReturnsService(db, r, moves, s, p, o, m),
      new OrderQueriesService(r),
      p,
    );
  });

  describe('transition', () => {
    it('answers 409 with the current status for a move the table does not allow, writing nothing', async () => {
      repo.find.mockResolvedValue(orderOf({ status: 'pending_payment' }));
      const err = await sut.transition(ctxOf(), ORDER, 'dispatch').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IllegalTransitionError);
      expect(err).toMatchObject({ currentStatus: 'pending_payment', action: 'dispatch' });
      expect(repo.applyMove).not.toHaveBeenCalled();
      expect(repo.insertEvent).not.toHaveBeenCalled();
      expect(outbox.append).not.toHaveBeenCalled();
    });

    it('is 404 for an order outside the caller’s scope', async () => {
      repo.find.mockResolvedValue(null);
      await expect(sut.transition(ctxOf(), ORDER, 'assign')).rejects.toBeInstanceOf(NotFoundError);
      expect(repo.find).toHaveBeenCalledWith(expect.anything(), ORDER, { lock: true });
    });

    it('runs the caller’s guard on the locked order before anything is written', async () => {
      const guard = jest.fn(() => {
        throw new ConflictError('not_yours', 'only its assigned agent');
      });
      await expect(sut.transition(ctxOf(), ORDER, 'assign', { guard })).rejects.toBeInstanceOf(ConflictError);
      expect(guard).toHaveBeenCalledWith(expect.objectContaining({ id: ORDER, status: 'confirmed' }));
      expect(repo.applyMove).not.toHaveBeenCalled();
    });

    it('writes the move, its timeline entry and its outbox event (no stock or money for an assignment)', async () => {
      const after = await sut.transition(ctxOf(), ORDER, 'assign', {
        set: { assignedAgentId: AGENT },
        reason: 'least loaded',
      });

      expect(after.status).toBe('assigned');
      expect(repo.applyMove).toHaveBeenCalledWith(
        expect.anything(),
        ORDER,
        { status: 'assigned', stamp: 'assigned_at', set: { assignedAgentId: AGENT } },
        orderOf().lines,
      );
      expect(repo.insertEvent).toHaveBeenCalledWith(expect.anything(), ORDER, {
        type: 'assign',
        fromStatus: 'confirmed',
        toStatus: 'assigned',
        channel: 'web',
        reason: 'least loaded',
        data: {},
      });
      const [, events] = outbox.append.mock.calls[0] as [unknown, OutboxEvent[]];
      expect(types(events)).toEqual(['order.status_changed']);
      expect(events[0]).toMatchObject({
        aggregateId: ORDER,
        payload: {
          orderId: ORDER,
          action: 'assign',
          fromStatus: 'confirmed',
          toStatus: 'assigned',
          actorId: 'u-1',
        },
      });
      expect(stock.move).not.toHaveBeenCalled();
      expect(money.insertRefunds).not.toHaveBeenCalled();
    });

    it('stamps paid_at on payment (not a status timestamp)', async () => {
      repo.find.mockResolvedValue(orderOf({ status: 'pending_payment', paidAt: null }));
      await sut.transition(ctxOf(), ORDER, 'pay');
      expect(repo.applyMove.mock.calls[0][2]).toMatchObject({ status: 'confirmed', stamp: 'paid_at' });
    });

    it('cancelling releases the reservation and the price’s claims and refunds every fen the order holds', async () => {
      money.balances.mockResolvedValue([alipayReceipt(5000, 1000)]);

      await sut.cancel(ctxOf(), ORDER, 'changed my mind');

      expect(stock.move).toHaveBeenCalledWith(
        expect.anything(),
        [
          { productId: 'prod-pen', onHand: 0, reserved: -2 },
          { productId: 'prod-lamp', onHand: 0, reserved: -1 },
        ],
        expect.objectContaining({ kind: 'restocked', orderId: ORDER }),
      );
      expect(pricing.release).toHaveBeenCalledWith(expect.anything(), ORDER);
      const [, , planned, cause] = money.insertRefunds.mock.calls[0];
      expect(planned).toEqual([
        expect.objectContaining({ paymentId: 'pay-1', amountCents: 4000, method: 'alipay' }),
      ]);
      expect(cause).toEqual({ cause: 'cancel', reason: 'changed my mind' });
      expect(repo.insertEvent.mock.calls[0][2].data).toEqual({
        refunds: [{ id: 'rf-1', amountCents: 4000, method: 'alipay' }],
      });
      const [, events] = outbox.append.mock.calls[0] as [unknown, OutboxEvent[]];
      expect(types(events)).toEqual(['order.status_changed', 'refund.requested']);
    });

    it('a delivery consumes the stock and books the cash collected as a receipt held by the agent', async () => {
      const cod = { paymentMethod: 'cod', paidAt: null, assignedAgentId: AGENT } as const;
      repo.find.mockResolvedValue(orderOf({ ...cod, status: 'out_for_delivery' }));
      repo.applyMove.mockResolvedValue(orderOf({ ...cod, status: 'delivered', codCollectedCents: 5000 }));
      await sut.transition(ctxOf({ role: 'agent', agentId: AGENT }), ORDER, 'deliver', {
        set: { codCollectedCents: 5000 },
      });
      expect(stock.move.mock.calls[0][1]).toEqual([
        { productId: 'prod-pen', onHand: -2, reserved: -2 },
        { productId: 'prod-lamp', onHand: -1, reserved: -1 },
      ]);
      expect(pricing.release).not.toHaveBeenCalled();
      expect(money.insertReceipt).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({
          method: 'cash',
          amountCents: 5000,
          holder: { agentId: AGENT, pickupPointId: null },
        }),
      );
    });
  });

  describe('returnLines', () => {
    beforeEach(() => {
      repo.find.mockResolvedValue(orderOf({ status: 'delivered' }));
      money.balances.mockResolvedValue([alipayReceipt(5000)]);
    });

    it('refunds the returned units’ share, puts them back on the shelf and publishes the lines returned', async () => {
      const result = await sut.returnLines(ctxOf(), ORDER, {
        returnId: 'ret-1',
        lines: [{ sku: 'PEN-1', quantity: 1 }],
        reason: 'broken',
      });

      expect(result).toMatchObject({ refundCents: 1000, fullyReturned: false });
      expect(result.refunds).toEqual([{ id: 'rf-1', amountCents: 1000, method: 'alipay' }]);
      expect(stock.move).toHaveBeenCalledWith(
        expect.anything(),
        [{ productId: 'prod-pen', onHand: 1, reserved: 0 }],
        expect.objectContaining({ kind: 'restocked', reason: expect.stringContaining('return ret-1') }),
      );
      expect(pricing.release).toHaveBeenCalledWith(expect.anything(), ORDER, [
        expect.objectContaining({ sku: 'PEN-1', quantity: 1, lineIndex: 0 }),
      ]);
      expect(repo.addReturned).toHaveBeenCalledWith(expect.anything(), ORDER, [
        expect.objectContaining({ lineIndex: 0, quantity: 1 }),
      ]);
      expect(repo.applyMove).not.toHaveBeenCalled();
      expect(repo.insertEvent).toHaveBeenCalledWith(
        expect.anything(),
        ORDER,
        expect.objectContaining({
          type: 'lines_returned',
          data: expect.objectContaining({ returnId: 'ret-1' }),
        }),
      );
      const [, events] = outbox.append.mock.calls[0] as [unknown, OutboxEvent[]];
      expect(types(events)).toEqual(['refund.requested', 'order.lines_returned']);
      expect(events[1].payload).toMatchObject({ returnId: 'ret-1', refundCents: 1000, fullyReturned: false });
    });

    it('moves the whole order to returned when the last units come back', async () => {
      repo.lastReturnRefunds.mockResolvedValue([{ id: 'rf-9', amountCents: 5000, method: 'alipay' }]);
      const result = await sut.returnLines(ctxOf(), ORDER, {
        returnId: 'ret-2',
        lines: [
          { sku: 'PEN-1', quantity: 2 },
          { sku: 'LAMP-1', quantity: 1 },
        ],
        reason: 'unwanted',
      });
      expect(result).toMatchObject({ fullyReturned: true, refundCents: 5000 });
      expect(result.refunds).toEqual([{ id: 'rf-9', amountCents: 5000, method: 'alipay' }]);
      expect(repo.applyMove.mock.calls[0][2]).toMatchObject({ status: 'returned', stamp: 'returned_at' });
      expect(repo.markAllReturned).toHaveBeenCalled();
      expect(repo.addReturned).not.toHaveBeenCalled();
    });

    it('books a return once: the same return id again is 409', async () => {
      repo.returnBooked.mockResolvedValue(true);
      await expect(
        sut.returnLines(ctxOf(), ORDER, {
          returnId: 'ret-1',
          lines: [{ sku: 'PEN-1', quantity: 1 }],
          reason: 'x',
        }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(stock.move).not.toHaveBeenCalled();
    });

    it('refuses an order that was not delivered (409)', async () => {
      repo.find.mockResolvedValue(orderOf({ status: 'assigned' }));
      await expect(
        sut.returnLines(ctxOf(), ORDER, {
          returnId: 'ret-1',
          lines: [{ sku: 'PEN-1', quantity: 1 }],
          reason: 'x',
        }),
      ).rejects.toBeInstanceOf(IllegalTransitionError);
    });
  });

  describe('place', () => {
    it('writes an online order waiting for payment, with its reminder and expiry timers, in one statement', async () => {
      const { order, replayed } = await sut.place(ctxOf(), command());

      expect(replayed).toBe(false);
      expect(order).toMatchObject({ status: 'pending_payment', number: '261206000001', totalCents: 2000 });
      expect(repo.insertPlaced).toHaveBeenCalledTimes(1);
      const written = repo.insertPlaced.mock.calls[0][1] as NewOrder;
      expect(written.stock).toEqual([{ sku: 'PEN-1', quantity: 2, field: 'lines[0].sku' }]);
      expect(written.lines[0]).toMatchObject({ productId: 'prod-pen', quantity: 2, lineTotalCents: 2000 });
      expect(types([...written.events])).toEqual([
        'order.placed',
        'order.payment_timer',
        'order.payment_timer',
      ]);
      expect(written.events[1].availableAt).toEqual(new Date(NOW.getTime() + 15 * 60_000));
      expect(written.events[2].availableAt).toEqual(new Date(NOW.getTime() + 30 * 60_000));
      expect(written.paidNow).toBe(false);
    });

    it('a counter sale is paid when keyed, its receipt held by the pickup point', async () => {
      const staff = ctxOf({ role: 'pickup_staff', pickupPointId: 'pp-1' });
      const { order } = await sut.place(
        staff,
        command({
          paymentMethod: 'counter',
          fulfilment: {
            type: 'counter',
            regionId: 'r-1',
            campusId: 'cp-1',
            pickupPointId: 'pp-1',
            address: null,
          },
        }),
      );
      expect(order).toMatchObject({ status: 'confirmed', paidAt: NOW });
      const written = repo.insertPlaced.mock.calls[0][1] as NewOrder;
      expect(written).toMatchObject({ paidNow: true, counterHolderId: 'pp-1' });
      expect(types([...written.events])).toEqual(['order.placed']);
    });

    it('replays the original order for a key this caller already used with the same request', async () => {
      repo.insertPlaced.mockResolvedValue({
        claimed: false,
        number: null,
        created_at: null,
        gift_given: false,
      });
      repo.idempotencyKey.mockResolvedValue({ orderId: ORDER, requestHash: 'h-1' });

      const result = await sut.place(ctxOf(), command());

      expect(result).toEqual({ order: orderOf(), replayed: true });
      expect(repo.idempotencyKey).toHaveBeenCalledWith(expect.anything(), 'u-1', 'k-1');
    });

    it('answers 409 for a key reused with a different request', async () => {
      repo.insertPlaced.mockResolvedValue({
        claimed: false,
        number: null,
        created_at: null,
        gift_given: false,
      });
      repo.idempotencyKey.mockResolvedValue({ orderId: ORDER, requestHash: 'another' });
      await expect(sut.place(ctxOf(), command())).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    });

    it('refuses more units than a product allows per order, before writing', async () => {
      pricing.quote.mockResolvedValue(quoteOf({}, 1));
      const err = await sut.place(ctxOf(), command()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QuantityOverLimitError);
      expect(repo.insertPlaced).not.toHaveBeenCalled();
    });

    it('turns the statement’s COD-cap refusal into 422', async () => {
      repo.insertPlaced.mockRejectedValue(Object.assign(new Error('cod limit'), { code: 'UO422' }));
      await expect(sut.place(ctxOf(), command({ paymentMethod: 'cod' }))).rejects.toBeInstanceOf(
        TooManyOpenCodOrdersError,
      );
    });

    it('re-prices once more when the statement refused a sale or coupon taken meanwhile', async () => {
      const refused = Object.assign(new Error('pricing refused'), { code: 'UP409' });
      repo.insertPlaced.mockRejectedValueOnce(refused);
      pricing.refusal.mockImplementation((e: unknown) =>
        e === refused ? { reason: 'coupon_used', ids: [] } : null,
      );

      const { replayed } = await sut.place(ctxOf(), command());

      expect(replayed).toBe(false);
      expect(pricing.quote).toHaveBeenCalledTimes(2);
      expect(repo.insertPlaced).toHaveBeenCalledTimes(2);
    });
  });
});
