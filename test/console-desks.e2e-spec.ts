import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { eventually, STAFF_PASSWORD } from '@campus/testing';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { bundle as desks } from '../apps/console/src/locales/areas/desk/desks';
import { zhCN as zh } from '../apps/console/src/locales/zh-CN';
import { auth, startApp } from './support/app';
import { seriousA11yViolations } from './support/axe';
import { ensureConsoleBuilt, launchChromium, listen, newPage, screenshot } from './support/console-browser';

// A browser, the API and the worker on a 2-core machine shared with others: honest time-outs.
jest.setTimeout(120_000);

const d = desks['zh-CN'].desks;
const PHONE_VIEW = {
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

interface PlacedOrder {
  id: string;
  number: string;
  totalCents: number;
  channel: string;
  agentId: string | null;
  assignedAgentId: string | null;
  status: string;
}

/**
 * The desks of issue 15 in a real Chromium against the built console, the API and the worker:
 * an agent logs an order on a 375 px phone (and is texted when it is assigned to them), shares their
 * referral code, sees the badge of new work; the pickup desk lists a waiting parcel, re-sends its
 * code (the old one then fails), hands it out with the COD cash and sees it in the day's cash-up,
 * which the region's manager reads; the call centre finds an order by its number and reads its
 * timeline with the texts. Every screen is checked with axe-core (no serious or critical finding).
 */
describe('Console desks in a browser (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let base: string;
  let browser: Browser;
  const s = randomUUID().slice(0, 6);
  let campus: { id: string; code: string };
  let point: { id: string; code: string };
  let locker: { id: string; code: string };
  const agentPhone = '+8613900139077';
  let agent: { id: string; username: string; referralCode: string; token: string };
  const clerk = `clerk.desks.${s}`;
  let clerkToken: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    ({ app, fx } = await startApp({ worker: true }));
    base = await listen(app);
    w = await fx.world();
    const admin = w.tokens.admin;
    campus = await fx.post(admin, '/api/campuses', {
      code: `DK${s}`,
      name: 'Campus Desks',
      regionId: w.regionA.id,
    });
    point = await fx.post(admin, '/api/pickup-points', {
      code: `DP${s}`,
      name: 'Dorm 3 lobby',
      campusId: campus.id,
    });
    locker = await fx.post(admin, '/api/lockers', {
      code: `DL${s}`,
      pickupPointId: point.id,
      compartments: { S: 2, M: 1 },
    });
    const username = `agent.desks.${s}`;
    const created = await fx.post<{ id: string; referralCode: string }>(admin, '/api/agents', {
      username,
      password: STAFF_PASSWORD,
      displayName: 'Zhou Jie',
      phone: agentPhone,
      campusId: campus.id,
    });
    agent = { ...created, username, token: await fx.login(username) };
    clerkToken = (await fx.user({ username: clerk, role: 'pickup_staff', pickupPointId: point.id })).token;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto(`${base}/`);
    await page.waitForURL(/\/sign-in$/);
    await page.getByLabel(zh.signIn.username).fill(username);
    await page.getByLabel(zh.signIn.password).fill(STAFF_PASSWORD);
    await page.getByLabel(zh.signIn.password).press('Enter');
  }

  const expectAccessible = async (page: Page) => expect(await seriousA11yViolations(page)).toEqual([]);

  const texts = async (to: string, template: string) =>
    (
      await app
        .http()
        .get('/api/notifications')
        .query({ to, type: template, limit: 50 })
        .set(auth(w.tokens.admin))
    ).body.items as { body: string; orderId: string | null; status: string }[];

  const order = async (id: string) =>
    (await app.http().get(`/api/orders/${id}`).set(auth(w.tokens.admin))).body as PlacedOrder;

  /** A COD locker parcel at the desk's point: keyed by the call centre, deposited by the agent. */
  async function waitingParcel(phone: string): Promise<PlacedOrder & { label: string }> {
    const placed = await app
      .http()
      .post('/api/orders')
      .set(auth(w.tokens.callCenter))
      .set('Idempotency-Key', randomUUID())
      .send({
        customer: { phone, name: 'Han Meimei' },
        lines: [{ sku: w.skus.usb, quantity: 1 }],
        fulfillment: { type: 'locker', pickupPointId: point.id },
        paymentMethod: 'cod',
      });
    expect(placed.status).toBe(201);
    await eventually(async () => (await order(placed.body.id)).assignedAgentId === agent.id, 30_000);
    await app.http().post(`/api/orders/${placed.body.id}/dispatch`).set(auth(agent.token)).expect(200);
    const dep = await app
      .http()
      .post(`/api/orders/${placed.body.id}/deposit`)
      .set(auth(agent.token))
      .send({ lockerId: locker.id });
    expect(dep.status).toBe(200);
    return { ...placed.body, label: dep.body.compartment.label };
  }

  /**
   * The pickup code of a text to `phone` about order `number`, as the customer's phone shows it
   * (the log masks codes, issue 17.2): the first such text whose id is not in `seen`.
   */
  const codeText = async (phone: string, number: string, seen: string[] = []) =>
    eventually(async () => {
      const text = (await fx.codeTexts(phone, 'pickup_code')).find(
        (t) => t.text.includes(number) && !seen.includes(t.id),
      );
      const code = text?.text.match(/(?<!\d)\d{6}(?!\d)/)?.[0];
      return text && code ? { id: text.id, code } : undefined;
    }, 30_000);

  it('an agent logs an order at 375 px; it appears in their list, attributed to them, and they are texted when it is theirs', async () => {
    const page = await newPage(browser, PHONE_VIEW);
    await signIn(page, agent.username);
    await page.waitForURL(/\/agent$/);
    await page.getByTestId('tab-deliveries').waitFor();
    await expectAccessible(page);

    await page.getByRole('tab', { name: d.agent.tabs.newOrder }).click();
    await page.getByLabel(d.agent.customerPhone).fill('139 0013 9101');
    await page.getByLabel(d.agent.customerName).fill('Qian Li');
    await page.getByLabel(d.agent.searchProduct, { exact: true }).fill(w.skus.pen);
    await page.getByTestId(`add-${w.skus.pen}`).click();
    await page.getByTestId(`add-${w.skus.pen}`).click(); // twice: quantity 2
    await expect(page.getByLabel(`${w.skus.pen} 的数量`).inputValue()).resolves.toBe('2');
    await page.getByText(d.agent.door, { exact: true }).click();
    await page.getByLabel(d.agent.address).fill('Dorm 5, room 302');
    await page.getByText(d.agent.cod, { exact: true }).click();
    await expect(page.getByTestId('log-total').innerText()).resolves.toBe('¥10.00');
    await expectAccessible(page);
    await page.getByTestId('log-submit').click();
    const number = (await page.getByTestId('agent-order-number').innerText()).trim();
    await screenshot(page, 'agent-log-order');

    const mine = await app.http().get('/api/orders').query({ number }).set(auth(w.tokens.admin));
    const placed = mine.body.items[0] as PlacedOrder;
    expect(placed).toMatchObject({ channel: 'agent', agentId: agent.id, totalCents: 1000 });

    // In the agent's own list, marked as theirs (the list shows only what the chosen filter asks).
    await page.getByRole('button', { name: d.agent.another }).click();
    await page.getByTestId(`mine-${number}`).waitFor();
    await expect(page.getByTestId(`mine-${number}`).innerText()).resolves.toContain(d.agent.attributedToMe);
    await page.getByText(zh.order.statuses.cancelled, { exact: true }).click();
    await page.locator('[data-testid="my-orders"][data-filter="cancelled"][aria-busy="false"]').waitFor();
    await expect(page.getByTestId(`mine-${number}`).count()).resolves.toBe(0);
    await page.getByText(d.agent.filters.all, { exact: true }).click();
    await page.getByTestId(`mine-${number}`).waitFor();

    // The worker assigns it to the campus's only agent, who is texted on their own phone.
    await eventually(async () => (await order(placed.id)).assignedAgentId === agent.id, 30_000);
    const text = await eventually(
      async () => (await texts(agentPhone, 'agent_order_assigned')).find((t) => t.orderId === placed.id),
      30_000,
    );
    expect(text.body).toContain(`订单${number}`);
    expect(text.body).toContain('Dorm 5, room 302');
    expect(text.body).toContain('代收¥10.00');

    // The badge: new work since the deliveries list was last opened, marked "new" once opened.
    await page.getByRole('tab', { name: zh.agent.earnings }).click();
    await page
      .getByTestId('badge-deliveries')
      .filter({ hasText: /^[1-9]\d*$/ })
      .waitFor();
    await page.getByTestId('tab-deliveries').click();
    const card = page.getByTestId(`work-${number}`);
    await card.getByTestId('new-work').waitFor();
    await page.getByTestId('badge-deliveries').waitFor({ state: 'detached' });
    await screenshot(page, 'agent-new-work');
    await expectAccessible(page);
    const news = await app.http().get('/api/fulfilment/work/news').set(auth(agent.token));
    expect(news.body.orders.count).toBe(0);
    await page.context().close();
  });

  it('the agent shares their referral code: a copyable link and its QR image', async () => {
    const page = await newPage(browser, PHONE_VIEW);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await signIn(page, agent.username);
    await page.waitForURL(/\/agent$/);
    await page.getByRole('tab', { name: d.agent.tabs.me }).click();
    // The profile loads after the tab shows ("—" until then): wait for the code, then read it exactly.
    await page.getByTestId('referral-code').filter({ hasText: agent.referralCode }).waitFor();
    await expect(page.getByTestId('referral-code').innerText()).resolves.toBe(agent.referralCode);
    const link = `${base}/shop?agent=${agent.referralCode}`;
    await expect(page.getByTestId('share-link').locator('input').inputValue()).resolves.toBe(link);
    await page.getByRole('img', { name: d.agent.qrAlt.replace('{{link}}', link) }).waitFor();
    await page.getByRole('button', { name: d.agent.copy }).click();
    await page.getByText(d.agent.copied).waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(link);
    await screenshot(page, 'agent-code');
    await expectAccessible(page);
    await page.context().close();
  });

  it('the pickup desk lists the parcel, re-sends its code (the old one then fails), hands it out with the COD cash and sees it in the cash-up', async () => {
    const phone = '+8613800138071';
    const parcel = await waitingParcel(phone);
    const { id: oldText, code: oldCode } = await codeText(phone, parcel.number);

    const page = await newPage(browser);
    await signIn(page, clerk);
    await page.waitForURL(/\/pickup$/);
    const row = page.locator('[data-testid="waiting-parcels"] tr', { hasText: parcel.number });
    await row.waitFor();
    await expect(row.innerText()).resolves.toContain('+86138****8071');
    await expect(row.innerText()).resolves.toContain(`${locker.code} · ${parcel.label}`);
    await expect(row.innerText()).resolves.toContain('¥39.00');
    await expectAccessible(page);

    await row.getByRole('button', { name: d.pickup.resend }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: d.pickup.resend }).click();
    await page
      .getByText(d.pickup.resent.replace('{{phone}}', '+86138****8071').replace('{{left}}', '2'))
      .waitFor();
    const { code: newCode } = await codeText(phone, parcel.number, [oldText]);
    expect(newCode).not.toBe(oldCode);
    // The old code no longer opens anything.
    const stale = await app
      .http()
      .post(`/api/lockers/${locker.id}/pickup`)
      .set(auth(clerkToken))
      .send({ code: oldCode, codCollectedCents: parcel.totalCents });
    expect(stale.status).toBe(422);

    // "Hand out" fills the place and the cash; the clerk types the code the customer reads out.
    await row.getByRole('button', { name: d.pickup.handOutThis, exact: true }).click();
    await expect(page.getByLabel(zh.pickup.codCollected).inputValue()).resolves.toBe('39.00');
    await page.getByLabel(zh.pickup.code).fill(newCode);
    await page.getByRole('button', { name: zh.pickup.handOutButton }).click();
    await page.getByText(`请打开 ${parcel.label} 号格口`).waitFor();
    await row.waitFor({ state: 'detached' });
    await screenshot(page, 'pickup-desk');
    expect((await order(parcel.id)).status).toMatch(/delivered|completed/);

    // The day's cash-up: the COD cash collected, a hand-in, closed with the difference.
    await page.getByRole('tab', { name: d.pickup.tabs.cashUp }).click();
    await page.getByTestId('cash-up-collected').filter({ hasText: '¥39.00' }).waitFor();
    await page.getByTestId('cash-up-collections').getByText(parcel.number).waitFor();
    await page.getByLabel(d.cashUp.amount).fill('38.50');
    await page.getByLabel(d.cashUp.note).fill('to manager Wang, bag 0412');
    await page.getByRole('button', { name: d.cashUp.recordHandIn }).click();
    await page.getByTestId('cash-up-handed-in').filter({ hasText: '¥38.50' }).waitFor();
    await expectAccessible(page);
    await page.getByLabel(d.cashUp.closeNote).fill('50 fen short');
    await page.getByRole('button', { name: d.cashUp.close }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: d.cashUp.close }).click();
    await page.getByTestId('cash-up-status').filter({ hasText: d.cashUp.statuses.closed }).waitFor();
    await expect(page.getByTestId('cash-up-difference').innerText()).resolves.toBe('-¥0.50');
    await screenshot(page, 'pickup-cash-up');
    await page.context().close();

    // The region's manager reads it (list and detail).
    const mgr = await newPage(browser);
    await signIn(mgr, `mgr.a.${w.suffix}`);
    await mgr.waitForURL(/\/manager$/);
    await mgr.getByRole('tab', { name: d.cashUp.tab }).click();
    const cashRow = mgr.locator('tr', { hasText: 'Dorm 3 lobby' }).first();
    await cashRow.waitFor();
    await expect(cashRow.innerText()).resolves.toContain('-¥0.50');
    await cashRow.locator('.ant-table-row-expand-icon').click();
    await mgr.getByText('to manager Wang, bag 0412').waitFor();
    await screenshot(mgr, 'manager-cash-ups');
    await mgr.context().close();
  });

  it('the call centre finds an order by its number and opens its timeline, texts included; opens a repair pickup from it', async () => {
    const phone = '+8613800138072';
    const parcel = await waitingParcel(phone);
    await codeText(phone, parcel.number);

    const page = await newPage(browser);
    await signIn(page, `cc.${w.suffix}`);
    await page.waitForURL(/\/call-centre$/);
    await page.getByLabel(zh.callCentre.phone).fill(`${parcel.number.slice(0, 6)} ${parcel.number.slice(6)}`);
    await page.getByLabel(zh.callCentre.phone).press('Enter');
    const drawer = page.getByRole('dialog');
    await drawer.getByText(d.callCentre.drawerTitle.replace('{{number}}', parcel.number)).waitFor();
    const timeline = drawer.getByTestId('order-timeline');
    await timeline.getByText(d.callCentre.events.deposit, { exact: true }).waitFor();
    // The texts sent about the order, masked: the pickup code is not readable here.
    const pickupText = drawer
      .getByTestId('timeline-text')
      .filter({ hasText: parcel.number })
      .filter({ hasText: '取件码' });
    await pickupText.first().waitFor();
    await expect(pickupText.first().innerText()).resolves.toContain('+86138****8072');
    await expect(pickupText.first().innerText()).resolves.toContain('••••••');
    await drawer.getByTestId('timeline-text').filter({ hasText: '新配送' }).first().waitFor();
    await expect(drawer.innerText()).resolves.toContain('¥39.00');
    await screenshot(page, 'call-centre-order');
    await expectAccessible(page);

    await drawer.getByRole('button', { name: d.callCentre.repair }).click();
    const modal = page.getByRole('dialog', { name: d.callCentre.repair });
    await modal.getByLabel(d.callCentre.repairDescription).fill('kettle stopped heating');
    await modal.getByRole('button', { name: d.callCentre.repair }).click();
    await page.getByText(d.callCentre.repairOpened.replace('{{phone}}', phone)).waitFor();
    const tasks = await app
      .http()
      .get('/api/tasks')
      .query({ kind: 'repair_pickup', campusId: campus.id })
      .set(auth(w.tokens.callCenter));
    expect(tasks.body.items).toEqual([
      expect.objectContaining({
        description: 'kettle stopped heating',
        customer: expect.objectContaining({ phone }),
      }),
    ]);

    // Unknown numbers say so instead of opening nothing silently.
    await page.keyboard.press('Escape');
    await page.getByLabel(zh.callCentre.phone).fill('999999000001');
    await page.getByLabel(zh.callCentre.phone).press('Enter');
    await page.getByText(d.callCentre.notFound.replace('{{number}}', '999999000001')).waitFor();
    await page.context().close();
  });

  it('a manager reads the region’s alerts (low stock where the product sells) and acknowledges one', async () => {
    const sku = await fx.product(`DSK-${s}`, { stock: 6, lowStockThreshold: 5, name: 'Desk lamp' });
    await app
      .http()
      .post('/api/orders')
      .set(auth(w.tokens.callCenter))
      .set('Idempotency-Key', randomUUID())
      .send({
        customer: { phone: '+8613800138073' },
        lines: [{ sku, quantity: 2 }],
        fulfillment: { type: 'locker', pickupPointId: point.id },
        paymentMethod: 'cod',
      })
      .expect(201);
    await eventually(async () => {
      const res = await app
        .http()
        .get('/api/alerts')
        .query({ kind: 'low_stock' })
        .set(auth(w.tokens.managerA));
      return (res.body.items as { data: { sku: string } }[]).some((a) => a.data.sku === sku);
    }, 30_000);
    const page = await newPage(browser);
    await signIn(page, `mgr.a.${w.suffix}`);
    await page.waitForURL(/\/manager$/);
    await page.getByRole('tab', { name: d.alerts.tab }).click();
    const row = page.locator('[data-testid="alerts"] tr', { hasText: sku });
    await row.waitFor();
    await expect(row.innerText()).resolves.toContain('Desk lamp');
    await expectAccessible(page);
    await row.getByRole('button', { name: d.alerts.acknowledge }).click();
    await row.waitFor({ state: 'detached' });
    await page.context().close();
  });
});
