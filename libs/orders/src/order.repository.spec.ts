import { Principal, RequestContext } from '@campus/core';
import { StockService } from '@campus/catalog';
import { PricedOrder, PricingService } from '@campus/pricing';
import type { Db } from '@campus/database';
import { event, OutboxService } from '@campus/queue';
import { NewOrder, OrderRepository, PLACE_STATEMENT } from './order.repository';
import type { OrderLineView, OrderView } from './order.types';

/**
 * The placement statement as PostgreSQL receives it, assembled with the other contexts' real
 * fragment builders (only the database is faked): one named statement whose text never changes,
 * whatever the order, with every placeholder bound exactly once by the builder.
 */
const ctx = new RequestContext({ kind: 'user', id: 'u-1', role: 'call_center' } as Principal, 'req');

const line = (sku: string, quantity: number): OrderLineView & { productId: string } => ({
  productId: `prod-${sku}`,
  sku,
  name: sku,
  quantity,
  listPriceCents: 1000,
  unitPriceCents: 1000,
  discountCents: 0,
  lineTotalCents: 1000 * quantity,
  promotionId: null,
  flashSaleId: null,
  discounts: [],
  requiresInstallation: false,
  installFeeCents: 0,
  returnedQuantity: 0,
});

const priced = (over: Partial<PricedOrder> = {}): PricedOrder => ({
  lines: [],
  gift: null,
  subtotalCents: 1000,
  discountCents: 0,
  totalCents: 1000,
  promotions: [],
  flashSales: [],
  coupon: null,
  listPriceFallbacks: [],
  ...over,
});

const newOrder = (over: Partial<NewOrder> = {}): NewOrder => ({
  order: {
    id: 'o-1',
    channel: 'web',
    status: 'confirmed',
    customer: { id: 'c-1', phone: '+8613800000001' },
    agentId: null,
    regionId: 'r-1',
    campusId: 'cp-1',
    paymentMethod: 'cod',
    totalCents: 1000,
    couponCode: null,
    note: null,
    paymentDueAt: null,
    fulfillment: { type: 'delivery', pickupPointId: null, campusId: 'cp-1', address: 'Dorm 3' },
  } as unknown as OrderView,
  lines: [line('PEN', 1)],
  paidNow: false,
  counterHolderId: null,
  placedData: { totalCents: 1000 },
  idempotency: { key: 'k-1', requestHash: 'h-1' },
  events: [event('order.payment_timer', { orderId: 'o-1', kind: 'reminder' }, { aggregateId: 'o-1' })],
  stock: [{ sku: 'PEN', quantity: 1, field: 'lines[0].sku' }],
  priced: priced(),
  maxOpenCodOrders: 3,
  ...over,
});

describe(OrderRepository.name, () => {
  let sut: OrderRepository;
  let query: jest.Mock;

  beforeEach(() => {
    query = jest
      .fn()
      .mockResolvedValue([{ claimed: true, number: '1', created_at: new Date(), gift_given: false }]);
    const db = { query } as unknown as Db;
    const outbox = new OutboxService(db);
    sut = new OrderRepository(db, outbox, new StockService(db, outbox), new PricingService({} as never));
  });

  const placeholders = (text: string) => [...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));

  it('binds every placeholder of the placement statement once, with nothing numbered by hand', () => {
    const { text, values } = sut.placeStatement(ctx, newOrder());
    const used = new Set(placeholders(text));
    expect(Math.max(...used)).toBe(values.length);
    expect(used.size).toBe(values.length);
    expect(text).not.toMatch(/\$\{|undefined|NaN/);
    expect(values[0]).toBe('o-1');
    expect(values[values.length - 1]).toBe(3);
  });

  it('keeps the text the same for orders of any shape (it is one named statement)', () => {
    const small = sut.placeStatement(ctx, newOrder());
    const large = sut.placeStatement(
      ctx,
      newOrder({
        lines: [line('PEN', 2), line('LAMP', 1), line('INK', 3)],
        stock: [
          { sku: 'PEN', quantity: 2, field: 'lines[0].sku' },
          { sku: 'LAMP', quantity: 1, optional: 1, field: 'lines[1].sku' },
          { sku: 'INK', quantity: 3, field: 'lines[2].sku' },
        ],
        events: [],
        paidNow: true,
        counterHolderId: 'pp-1',
        priced: priced({
          gift: {
            promotionId: 'pr-1',
            product: {
              productId: 'prod-LAMP',
              sku: 'LAMP',
              name: 'Lamp',
              listPriceCents: 3000,
              requiresInstallation: false,
              installFeeCents: 0,
            },
          },
          promotions: [{ promotionId: 'pr-1', discountCents: 100 }],
          flashSales: [{ flashSaleId: 'fs-1', sku: 'INK', quantity: 3, discountCents: 300 }],
          coupon: { couponId: 'cu-1', promotionId: 'pr-2', code: 'HELLO', agentId: null, discountCents: 200 },
        }),
      }),
    );
    expect(large.text).toBe(small.text);
    expect(large.values).toHaveLength(small.values.length);
  });

  it('runs it as the named statement and answers its row', async () => {
    const row = await sut.insertPlaced(ctx, newOrder());
    expect(row.claimed).toBe(true);
    const [, text, values, opts] = query.mock.calls[0];
    expect(opts).toEqual({ prepare: PLACE_STATEMENT });
    expect(text).toBe(sut.placeStatement(ctx, newOrder()).text);
    expect(values).toHaveLength(placeholders(text).reduce((a, b) => Math.max(a, b), 0));
  });

  it('leaves the numbered fragment helpers working for callers that count from an offset', () => {
    const db = { query } as unknown as Db;
    const outbox = new OutboxService(db);
    const ev = [event('order.payment_timer', { orderId: 'o-1', kind: 'expiry' }, { aggregateId: 'o-1' })];
    const o = outbox.insertSql(ev, 5);
    expect(placeholders(o.sql)).toEqual([5, 6, 7, 8]);
    expect(o.params).toEqual([['order.payment_timer'], ['o-1'], [JSON.stringify(ev[0].payload)], [null]]);
    const s = new StockService(db, outbox).reserveSql([{ sku: 'PEN', quantity: 2, field: 'x' }], 10);
    expect(new Set(placeholders(s.ctes + s.guard))).toEqual(new Set([10, 11, 12]));
    expect(s.params).toEqual([['PEN'], [2], [0]]);
    const c = new PricingService({} as never).claimSql(priced(), 20, {
      when: 'TRUE',
      orderId: '$1::uuid',
      customerId: '$2::uuid',
      giftGiven: 'FALSE',
      stockDone: 'TRUE',
    });
    expect(Math.min(...placeholders(c.ctes).filter((n) => n > 2))).toBe(20);
    expect(Math.max(...placeholders(c.ctes + c.guard))).toBe(29);
    expect(c.params).toHaveLength(10);
  });
});
