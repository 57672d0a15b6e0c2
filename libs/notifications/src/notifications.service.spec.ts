import { AppConfig, RequestContext } from '@campus/core';
import type { Db } from '@campus/database';
import type { OutboxService } from '@campus/queue';
import { unsealText } from './code-seal';
import type { NotificationStatus } from './notification-status';
import type { NotificationInsert, NotificationRepository } from './notification.repository';
import { NotificationsService } from './notifications.service';

/** The repository faked at the seam: every statement a jest.fn, no PostgreSQL. */
type Mocked<T> = { [K in keyof T]: T[K] extends (...a: never[]) => unknown ? jest.Mock : T[K] };

const CN_PHONE = '+8613800000001';
const US_PHONE = '+12025550123';
const SECRET = 'unit-test-codes-secret-'.padEnd(40, 'x');
const EXISTING = '99999999-9999-4999-8999-999999999999';

const ctx = () => new RequestContext({ kind: 'system', id: 'system', role: 'system' }, 'req');

describe(NotificationsService.name, () => {
  let sut: NotificationsService;
  let repo: Mocked<NotificationRepository>;
  let outbox: { append: jest.Mock };
  /** What the fake `sms_preferences` row says, per phone. */
  let prefs: Record<string, { opted_out: boolean; language: 'zh-CN' | 'en' }>;
  /** The provider's message and the status it has in the fake log. */
  let stored: NotificationStatus | null;

  const inserted = (): NotificationInsert => repo.insert.mock.calls[0][1] as NotificationInsert;

  beforeEach(() => {
    prefs = {};
    stored = null;
    repo = {
      insert: jest
        .fn()
        .mockImplementation((_tx, n: NotificationInsert) =>
          Promise.resolve({ id: n.id, status: n.status, inserted: true }),
        ),
      findByDedupeKey: jest.fn().mockResolvedValue({ id: EXISTING, status: 'sent' }),
      staffTextSql: jest.fn(),
      insertStaffText: jest.fn().mockResolvedValue('queued'),
      ofOrder: jest.fn().mockResolvedValue([]),
      lockStatusByProviderId: jest.fn().mockImplementation(() => Promise.resolve(stored)),
      recordDeliveryReport: jest.fn().mockResolvedValue(true),
      setStatusByProviderId: jest.fn().mockImplementation((_tx, _sid, status: NotificationStatus) => {
        stored = status;
        return Promise.resolve();
      }),
      preference: jest.fn().mockImplementation((_tx, phone: string) => Promise.resolve(prefs[phone])),
      upsertPreference: jest.fn().mockResolvedValue(undefined),
      list: jest.fn().mockResolvedValue([]),
    };
    outbox = { append: jest.fn().mockResolvedValue(undefined) };
    const db = {
      transaction: (c: RequestContext, fn: (tx: RequestContext) => unknown) => fn(c),
    } as unknown as Db;
    const config = { codesSecret: SECRET, smsAllowedCountries: ['CN'] } as unknown as AppConfig;
    sut = new NotificationsService(
      db,
      repo as unknown as NotificationRepository,
      outbox as unknown as OutboxService,
      config,
    );
  });

  describe('send', () => {
    it('queues a text in the recipient language with its outbox event', async () => {
      prefs[CN_PHONE] = { opted_out: false, language: 'en' };
      const res = await sut.send(ctx(), {
        to: CN_PHONE,
        template: 'delivered',
        params: { number: 'A-1001' },
        orderId: 'o-1',
      });
      expect(res.status).toBe('queued');
      expect(inserted()).toMatchObject({
        to: CN_PHONE,
        language: 'en',
        body: '[Campus Orders] Order A-1001 was delivered. Thank you!',
        status: 'queued',
        error: null,
        sealedBody: null,
        orderId: 'o-1',
      });
      expect(outbox.append).toHaveBeenCalledTimes(1);
      expect(outbox.append.mock.calls[0][1]).toEqual([
        expect.objectContaining({ type: 'notification.requested', payload: { notificationId: res.id } }),
      ]);
    });

    it('logs a text to an opted-out customer as suppressed and sends nothing', async () => {
      prefs[CN_PHONE] = { opted_out: true, language: 'zh-CN' };
      const res = await sut.send(ctx(), {
        to: CN_PHONE,
        template: 'delivered',
        params: { number: 'A-1001' },
      });
      expect(res.status).toBe('suppressed');
      expect(inserted()).toMatchObject({ status: 'suppressed', error: 'recipient opted out' });
      expect(outbox.append).not.toHaveBeenCalled();
    });

    it('still sends a one-time code to an opted-out number, masked at rest and sealed for the sender', async () => {
      prefs[CN_PHONE] = { opted_out: true, language: 'en' };
      const res = await sut.send(ctx(), { to: CN_PHONE, template: 'otp', params: { code: '123456' } });
      expect(res.status).toBe('queued');
      const row = inserted();
      expect(row.body).not.toContain('123456');
      expect(row.body).toContain('******');
      expect(unsealText({ codesSecret: SECRET }, row.id, row.sealedBody!)).toContain('123456');
      expect(outbox.append).toHaveBeenCalledTimes(1);
    });

    it('does not text a code to a country outside SMS_ALLOWED_COUNTRIES', async () => {
      const res = await sut.send(ctx(), { to: US_PHONE, template: 'otp', params: { code: '123456' } });
      expect(res.status).toBe('suppressed');
      expect(inserted()).toMatchObject({
        sealedBody: null,
        error: expect.stringContaining('SMS_ALLOWED_COUNTRIES'),
      });
      expect(outbox.append).not.toHaveBeenCalled();
    });

    it('answers a replayed dedupe key with the message that exists, writing no second event', async () => {
      repo.insert.mockResolvedValue(undefined);
      const res = await sut.send(ctx(), {
        to: CN_PHONE,
        template: 'delivered',
        params: { number: 'A-1001' },
        dedupeKey: 'job-1',
      });
      expect(res).toEqual({ id: EXISTING, status: 'sent' });
      expect(repo.findByDedupeKey).toHaveBeenCalledWith(expect.anything(), 'job-1');
      expect(outbox.append).not.toHaveBeenCalled();
    });

    it('records a role inbox as sent internally, without asking for a preference', async () => {
      const res = await sut.send(ctx(), {
        to: 'role:admin',
        template: 'delivered',
        params: { number: 'A-1' },
      });
      expect(res.status).toBe('sent');
      expect(repo.preference).not.toHaveBeenCalled();
      expect(inserted()).toMatchObject({ transport: 'internal' });
      expect(outbox.append).not.toHaveBeenCalled();
    });
  });

  describe('applyDeliveryReport', () => {
    it('moves a sent message to delivered', async () => {
      stored = 'sent';
      await expect(
        sut.applyDeliveryReport(ctx(), { providerId: 'SM1', status: 'delivered' }),
      ).resolves.toEqual({
        applied: true,
        status: 'delivered',
      });
      expect(repo.setStatusByProviderId).toHaveBeenCalledWith(expect.anything(), 'SM1', 'delivered', null);
    });

    it('never moves a final status back (a late "sent" after "delivered")', async () => {
      stored = 'delivered';
      await expect(sut.applyDeliveryReport(ctx(), { providerId: 'SM1', status: 'sent' })).resolves.toEqual({
        applied: false,
        status: 'delivered',
      });
      expect(repo.recordDeliveryReport).toHaveBeenCalledTimes(1);
      expect(repo.setStatusByProviderId).not.toHaveBeenCalled();
    });

    it('applies a repeated report once', async () => {
      stored = 'sent';
      repo.recordDeliveryReport.mockResolvedValue(false);
      await expect(
        sut.applyDeliveryReport(ctx(), { providerId: 'SM1', status: 'undelivered', errorCode: '30003' }),
      ).resolves.toEqual({ applied: false, status: 'sent' });
      expect(repo.setStatusByProviderId).not.toHaveBeenCalled();
    });

    it('records nothing for an unknown message, so the report still counts when it is stored', async () => {
      await expect(
        sut.applyDeliveryReport(ctx(), { providerId: 'SM9', status: 'delivered' }),
      ).resolves.toEqual({
        applied: false,
        status: null,
      });
      expect(repo.recordDeliveryReport).not.toHaveBeenCalled();
    });

    it('keeps the provider error code with a failure', async () => {
      stored = 'sent';
      await sut.applyDeliveryReport(ctx(), { providerId: 'SM1', status: 'Failed', errorCode: '30006' });
      expect(repo.recordDeliveryReport).toHaveBeenCalledWith(expect.anything(), {
        providerId: 'SM1',
        status: 'failed',
        errorCode: '30006',
      });
      expect(repo.setStatusByProviderId).toHaveBeenCalledWith(
        expect.anything(),
        'SM1',
        'failed',
        'Twilio 30006',
      );
    });
  });

  it('masks the recipient and one-time codes of an order timeline', async () => {
    repo.ofOrder.mockResolvedValue([
      {
        id: 'n-1',
        to: CN_PHONE,
        template: 'pickup_code',
        language: 'en',
        body: 'Pickup code 123456; collect by 18:00.',
        status: 'sent',
        createdAt: new Date(),
      },
    ]);
    const [text] = await sut.textsForOrder(ctx(), 'o-1', { to: CN_PHONE });
    expect(repo.ofOrder).toHaveBeenCalledWith(expect.anything(), 'o-1', CN_PHONE);
    expect(text.to).not.toBe(CN_PHONE);
    expect(text.body).toBe('Pickup code ••••••; collect by 18:00.');
  });
});
