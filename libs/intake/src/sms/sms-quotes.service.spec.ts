import type { AppConfig } from '@campus/core';
import { RequestContext } from '@campus/core';
import type { CustomersService } from '@campus/auth';
import type { ProductsService } from '@campus/catalog';
import type { AgentsService, NetworkService } from '@campus/network';
import type { OrderService } from '@campus/orders';
import { parseSms } from './sms-grammar';
import { SmsQuotes } from './sms-quotes.service';
import { SmsReplies } from './sms-replies';
import type { Turn } from './sms-turn';
import type { QuoteRow, SmsRepository } from './sms.repository';

/** The SMS repository and the other contexts faked at their seams: the BUY/YES decisions only. */
const NOW = new Date('2026-12-06T02:00:00Z');
const PHONE = '+8613800000001';

const turnOf = (body: string): Turn => {
  const parsed = parseSms(body);
  return {
    tx: RequestContext.system(),
    sms: { messageSid: 'SM1', from: PHONE, to: '+10000000000', body } as Turn['sms'],
    parsed,
    lang: parsed.language ?? 'en',
    now: NOW,
    messageId: 'm-1',
  };
};

const quote = (over: Partial<QuoteRow> = {}): QuoteRow => ({
  id: 'q-1',
  message_id: 'm-0',
  product_id: 'p-1',
  sku: 'PEN-1',
  product_name: 'Pen',
  quantity: 2,
  unit_price_cents: 500,
  total_cents: '1000',
  payment_method: 'cod',
  fulfilment_type: 'counter',
  pickup_point_id: 'pp-1',
  pickup_point_code: 'D3',
  agent_id: null,
  reply_body: 'quote',
  status: 'open',
  expires_at: new Date(NOW.getTime() + 5 * 60_000),
  created_at: new Date(NOW.getTime() - 5 * 60_000),
  order_id: null,
  order_number: null,
  ...over,
});

describe(SmsQuotes.name, () => {
  let sut: SmsQuotes;
  let sms: { lockLatestQuote: jest.Mock; replaceOpenQuote: jest.Mock; attempt: jest.Mock };
  let orders: { place: jest.Mock; priceFor: jest.Mock };
  let products: { get: jest.Mock };
  let customers: { findByPhone: jest.Mock; findOrCreate: jest.Mock };
  let agents: { findByCode: jest.Mock };

  beforeEach(() => {
    sms = {
      lockLatestQuote: jest.fn().mockResolvedValue(quote()),
      replaceOpenQuote: jest.fn().mockResolvedValue(undefined),
      attempt: jest.fn(),
    };
    orders = { place: jest.fn(), priceFor: jest.fn().mockResolvedValue({ totalCents: 1000 }) };
    products = {
      get: jest.fn().mockResolvedValue({
        id: 'p-1',
        sku: 'PEN-1',
        name: 'Pen',
        active: true,
        priceCents: 500,
        stock: { available: 10 },
      }),
    };
    customers = {
      findByPhone: jest.fn().mockResolvedValue({
        id: 'c-1',
        phone: PHONE,
        defaultCampusId: 'cam-1',
        defaultPickupPointId: 'pp-1',
      }),
      findOrCreate: jest.fn(),
    };
    agents = { findByCode: jest.fn() };
    const network = {
      findPickupPointByCode: jest.fn(),
      pickupPointInScope: jest.fn().mockResolvedValue({ id: 'pp-1', code: 'D3', name: 'Dorm 3' }),
      listLockers: jest.fn().mockResolvedValue([]),
      placementOfPickupPoint: jest.fn().mockResolvedValue({ regionId: 'r-1', campusId: 'cam-1' }),
      listPickupPoints: jest.fn().mockResolvedValue([]),
    };
    sut = new SmsQuotes(
      sms as unknown as SmsRepository,
      orders as unknown as OrderService,
      products as unknown as ProductsService,
      customers as unknown as CustomersService,
      network as unknown as NetworkService,
      agents as unknown as AgentsService,
      { smsQuoteTtlMinutes: 10 } as AppConfig,
    );
  });

  describe('buy', () => {
    it('quotes at the default pickup point, cash on delivery, valid for the configured minutes', async () => {
      const turn = turnOf('BUY PEN-1 2');
      expect(turn.parsed.command).toMatchObject({ kind: 'buy', sku: 'PEN-1', quantity: 2 });
      const outcome = await sut.buy(
        turn,
        turn.parsed.command as Extract<Turn['parsed']['command'], { kind: 'buy' }>,
      );
      expect(sms.replaceOpenQuote).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({
          phone: PHONE,
          sku: 'PEN-1',
          quantity: 2,
          totalCents: 1000,
          fulfilmentType: 'counter',
          pickupPointId: 'pp-1',
          agentId: null,
          expiresAt: new Date(NOW.getTime() + 10 * 60_000),
        }),
      );
      expect(outcome.quoteId).toEqual(expect.any(String));
    });

    it('answers an unknown agent code without quoting', async () => {
      agents.findByCode.mockResolvedValue(null);
      const turn = turnOf('BUY PEN-1 2');
      const outcome = await sut.buy(turn, {
        kind: 'buy',
        sku: 'PEN-1',
        quantity: 2,
        pickupPointCode: null,
        agentCode: 'XYZ',
      });
      expect(outcome.reply).toBe(SmsReplies.unknownAgentCode(turn.lang, { code: 'XYZ' }));
      expect(sms.replaceOpenQuote).not.toHaveBeenCalled();
    });
  });

  describe('confirm', () => {
    it('answers "no quote" when the sender has none', async () => {
      sms.lockLatestQuote.mockResolvedValue(null);
      const turn = turnOf('YES');
      await expect(sut.confirm(turn)).resolves.toEqual({ reply: SmsReplies.noQuote(turn.lang) });
      expect(orders.place).not.toHaveBeenCalled();
    });

    it('refuses an expired quote, naming the time a quote holds, and places nothing', async () => {
      sms.lockLatestQuote.mockResolvedValue(quote({ expires_at: new Date(NOW.getTime() - 1) }));
      const turn = turnOf('YES');
      await expect(sut.confirm(turn)).resolves.toEqual({
        reply: SmsReplies.quoteExpired(turn.lang, { minutes: 10 }),
        quoteId: 'q-1',
      });
      expect(orders.place).not.toHaveBeenCalled();
    });

    it('answers a repeated YES with the order already placed (for an hour), without placing again', async () => {
      sms.lockLatestQuote.mockResolvedValue(
        quote({ status: 'placed', order_id: 'o-1', order_number: 'S-1001', expires_at: NOW }),
      );
      const turn = turnOf('YES');
      await expect(sut.confirm(turn)).resolves.toEqual({
        reply: SmsReplies.alreadyPlaced(turn.lang, { number: 'S-1001' }),
        orderId: 'o-1',
      });
      expect(orders.place).not.toHaveBeenCalled();
    });
  });
});
