import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { eventually, STAFF_PASSWORD } from '@campus/testing';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { bundle as payments } from '../apps/console/src/locales/areas/desk/payments';
import { zhCN as zh } from '../apps/console/src/locales/zh-CN';
import { auth, startApp } from './support/app';
import AxeBuilder from '@axe-core/playwright';
import { seriousA11yViolations } from './support/axe';
import { ensureConsoleBuilt, launchChromium, listen, newPage, screenshot } from './support/console-browser';
import { FakeAlipay, startFakeAlipay } from './support/fake-alipay';

const pz = payments['zh-CN'].payments;

/** Serious and critical axe violations inside one part of the page (the rest belongs to other screens). */
async function seriousViolationsIn(page: Page, selector: string): Promise<string[]> {
  const result = await new AxeBuilder({ page: page as never }).include(selector).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

/**
 * The payment screens in Chromium against the real app and the fake Alipay gateway: the agent at the
 * door of an unpaid COD order shows an Alipay QR on a 375 px phone and, once it is paid, delivers
 * without cash; a manager marks a cash refund paid out on the refunds tab (confirmed first).
 */
describe('Console: Alipay QR at the door and refunds (browser e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let base: string;
  let browser: Browser;
  let fake: FakeAlipay;
  let agent: { id: string; username: string };
  let campusId: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    fake = await startFakeAlipay({
      deliver: async (url, form) => {
        const res = await app.http().post(url.pathname).type('form').send(form);
        return { status: res.status, text: res.text };
      },
    });
    ({ app, fx } = await startApp({ worker: true, env: fake.env }));
    base = await listen(app);
    w = await fx.world();
    // A campus of its own with one agent, so every order there is assigned to them.
    campusId = (
      await fx.post<{ id: string }>(w.tokens.admin, '/api/campuses', {
        code: `QR${w.suffix}`,
        name: 'QR campus',
        regionId: w.regionA.id,
      })
    ).id;
    const username = `agent.qr.${w.suffix}`.toLowerCase();
    agent = {
      username,
      ...(await fx.post<{ id: string }>(w.tokens.admin, '/api/agents', {
        username,
        password: STAFF_PASSWORD,
        displayName: 'Zhao Lei',
        phone: '+8613900139077',
        campusId,
      })),
    };
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await fake?.close();
  });

  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto(`${base}/`);
    await page.waitForURL(/\/sign-in$/);
    await page.getByLabel(zh.signIn.username).fill(username);
    await page.getByLabel(zh.signIn.password).fill(STAFF_PASSWORD);
    await page.getByLabel(zh.signIn.password).press('Enter');
  }

  /** A COD door order on the agent's campus, taken out by them (through the API). */
  async function outForDelivery(): Promise<{ id: string; number: string; totalCents: number }> {
    const placed = await app
      .http()
      .post('/api/orders')
      .set(auth(w.tokens.callCenter))
      .set('Idempotency-Key', randomUUID())
      .send({
        customer: { phone: `+86139${String(Date.now()).slice(-8)}`, name: 'Han Meimei' },
        lines: [{ sku: w.skus.usb, quantity: 2 }],
        fulfillment: {
          type: 'delivery',
          campusId,
          address: 'Dorm 3, room 101',
        },
        paymentMethod: 'cod',
      });
    expect(placed.status).toBe(201);
    await eventually(async () => {
      const o = await app.http().get(`/api/orders/${placed.body.id}`).set(auth(w.tokens.admin));
      return o.body.status === 'assigned';
    });
    const token = await fx.login(agent.username);
    const dispatched = await app.http().post(`/api/orders/${placed.body.id}/dispatch`).set(auth(token));
    expect(dispatched.status).toBe(200);
    return placed.body;
  }

  it('the agent shows an Alipay QR at the door; paid, the order is delivered with no cash to collect', async () => {
    const order = await outForDelivery();
    const page = await newPage(browser, {
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    await signIn(page, agent.username);
    await page.waitForURL(/\/agent$/);
    await page.getByText(`${zh.agent.out} (1)`).click();
    const card = page.getByTestId(`work-${order.number}`);
    await card.getByRole('button', { name: pz.qr.show }).click();
    await page.getByRole('img', { name: pz.qr.show }).waitFor();
    // The QR popup itself (the agent page around it is another screen's).
    expect(await seriousViolationsIn(page, '.adm-popup-body')).toEqual([]);
    await screenshot(page, 'agent-alipay-qr');

    const [attempt] = (await app.http().get(`/api/orders/${order.id}/payments`).set(auth(w.tokens.admin)))
      .body.attempts as { outTradeNo: string; method: string }[];
    expect(attempt.method).toBe('alipay_qr');
    await fake.markPaid(attempt.outTradeNo, { notify: true }); // the customer scans and pays
    await page.getByTestId('qr-paid').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: pz.qr.close }).click();

    // No cash field any more: the agent confirms the hand-off.
    await card.getByRole('button', { name: zh.agent.deliver }).click();
    await expect(page.getByLabel(zh.agent.codCollected).count()).resolves.toBe(0);
    await page.getByTestId('confirm-deliver').click();
    await card.waitFor({ state: 'detached' });
    const done = await app.http().get(`/api/orders/${order.id}`).set(auth(w.tokens.admin));
    expect(['delivered', 'completed']).toContain(done.body.status);
    expect(done.body.codCollectedCents).toBeNull();
    expect(done.body.paidAt).not.toBeNull();
    await page.context().close();
  });

  it('a manager sees refunds by status and day and marks a cash refund paid out', async () => {
    // A COD order delivered with cash, then returned: the agent owes the cash back.
    const order = await outForDelivery();
    const token = await fx.login(agent.username);
    expect(
      (
        await app
          .http()
          .post(`/api/orders/${order.id}/deliver`)
          .set(auth(token))
          .send({ codCollectedCents: order.totalCents })
      ).status,
    ).toBe(200);
    await eventually(async () => {
      const o = await app.http().get(`/api/orders/${order.id}`).set(auth(w.tokens.admin));
      return o.body.status === 'completed';
    });
    expect(
      (
        await app
          .http()
          .post(`/api/orders/${order.id}/return`)
          .set(auth(w.tokens.managerA))
          .send({ reason: '屏幕损坏' })
      ).status,
    ).toBe(200);

    const page = await newPage(browser);
    const manager = (await app.http().get('/api/auth/me').set(auth(w.tokens.managerA))).body as {
      username: string;
    };
    await signIn(page, manager.username);
    await page.getByRole('tab', { name: pz.refunds.tab }).click();
    const panel = page.getByTestId('refunds-panel');
    const row = panel.getByRole('row').filter({ hasText: order.number });
    await row.getByText(pz.refunds.statuses.owed).waitFor();
    await row.getByText('Zhao Lei').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'manager-refunds');

    await row.getByRole('button', { name: pz.refunds.markPaidOut }).click();
    await page.getByRole('button', { name: /确\s*定|OK/ }).click();
    await row.getByText(pz.refunds.statuses.paid_out).waitFor();
    const refunds = (await app.http().get(`/api/orders/${order.id}/payments`).set(auth(w.tokens.admin))).body
      .refunds as { status: string; paidOutById: string }[];
    expect(refunds).toEqual([expect.objectContaining({ status: 'paid_out' })]);

    // A bad day in the filter is shown next to its field, in the reader's language.
    await panel.getByLabel(pz.refunds.from).fill('26/11/2026');
    await panel.getByRole('button', { name: pz.refunds.search }).click();
    await panel.getByText(pz.refunds.badDay).waitFor();
    await page.context().close();
  });
});
