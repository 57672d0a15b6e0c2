import { existsSync, statSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { eventually, STAFF_PASSWORD } from '@campus/testing';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { bundle as approvals } from '../apps/console/src/locales/areas/desk/approvals';
import { zhCN as zh } from '../apps/console/src/locales/zh-CN';
import { seriousA11yViolations } from './support/axe';
import { auth, startApp } from './support/app';

const zhApprovals = approvals['zh-CN'].approvals;
import { ensureConsoleBuilt, launchChromium, listen, newPage, screenshot } from './support/console-browser';

interface OrderBody {
  id: string;
  number: string;
  status: string;
  totalCents: number;
  codCollectedCents: number | null;
  assignedAgentId: string | null;
  channel: string;
}

/**
 * The console in a real Chromium (Debian's package, driven by playwright-core) against the real
 * built app on PostgreSQL and Redis: a call-centre operator keys a phone order and reads its number,
 * a double-click makes one order, a manager assigns it, the agent delivers it on a 375 px phone with
 * the COD amount pre-filled. Each role's main screen is saved to docs/screenshots/.
 */
describe('Console in a browser (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let base: string;
  let browser: Browser;
  let agent: { id: string; username: string; referralCode: string };
  let order: OrderBody;

  beforeAll(async () => {
    ensureConsoleBuilt();
    // No worker: orders stay in the manager's dispatch pool until assigned on screen.
    ({ app, fx } = await startApp());
    base = await listen(app);
    w = await fx.world();
    const username = `agent.console.${w.suffix}`.toLowerCase();
    agent = {
      username,
      ...(await fx.post<{ id: string; referralCode: string }>(w.tokens.admin, '/api/agents', {
        username,
        password: STAFF_PASSWORD,
        displayName: 'Wang Fang',
        phone: '+8613900139001',
        campusId: w.campusA2.id,
      })),
    };
    // 10 % on every product, so the attributed order earns a commission.
    await fx.post(w.tokens.admin, '/api/commission-rules', { rateBps: 1000 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const ordersFor = async (phone: string): Promise<OrderBody[]> => {
    const res = await app.http().get('/api/orders').query({ phone }).set(auth(w.tokens.callCenter));
    expect(res.status).toBe(200);
    return res.body.items;
  };

  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto(`${base}/`);
    await page.waitForURL(/\/sign-in$/);
    await page.getByLabel(zh.signIn.username).fill(username);
    await page.getByLabel(zh.signIn.password).fill(STAFF_PASSWORD);
    await page.getByLabel(zh.signIn.password).press('Enter');
  }

  /** Keys the order form the way an operator does: type, pick with the keyboard, Enter. */
  async function keyOrder(page: Page, phone: string, quantity: number, agentCode?: string): Promise<void> {
    await page.getByLabel(zh.form.customerPhone).fill(phone);
    await page.getByLabel(zh.form.customerName).fill('Li Lei');
    const sku = page.getByLabel(`${zh.form.product} 1`);
    await sku.click();
    await sku.fill(w.skus.usb);
    await page.locator('.ant-select-item-option', { hasText: w.skus.usb }).first().waitFor();
    // The option shows the price and the stock still available.
    await expect(
      page.locator('.ant-select-item-option', { hasText: w.skus.usb }).first().innerText(),
    ).resolves.toMatch(/¥39\.00 · 可售 \d+/);
    await sku.press('Enter');
    await page.getByLabel(`${zh.form.quantity} 1`).fill(String(quantity));
    await page.getByText(zh.form.delivery, { exact: true }).click();
    const campus = page.getByLabel(zh.form.campus);
    await campus.click();
    await campus.fill('Campus CA2');
    await campus.press('Enter');
    await page.getByLabel(zh.form.address).fill('Dorm 5, room 302');
    await page.getByText(zh.form.cod, { exact: true }).click();
    if (agentCode) await page.getByLabel(zh.form.agentCode).fill(agentCode.toLowerCase());
  }

  it('a call-centre operator keys a phone order and reads its number', async () => {
    const page = await newPage(browser);
    await signIn(page, `cc.${w.suffix}`);
    await page.waitForURL(/\/call-centre$/);
    // Find the caller first (local form), then key the order for them.
    await page.getByLabel(zh.callCentre.phone).fill('138 0013 8001');
    await page.getByLabel(zh.callCentre.phone).press('Enter');
    await page.getByText(zh.callCentre.noOrders).waitFor();
    await keyOrder(page, '13800138001', 2, agent.referralCode);
    await page.getByTestId('place-order').click();
    const number = (await page.getByTestId('order-number').innerText()).trim();

    const orders = await ordersFor('+8613800138001');
    expect(orders).toHaveLength(1);
    order = orders[0];
    expect(order).toMatchObject({ number, channel: 'phone', status: 'confirmed', totalCents: 7800 });
    await expect(page.getByText('¥78.00').first().isVisible()).resolves.toBe(true);
    await screenshot(page, 'call-centre');
    await page.context().close();
  });

  it('shows an API problem next to the field it names, never a blank screen', async () => {
    const page = await newPage(browser);
    await signIn(page, `cc.${w.suffix}`);
    await page.waitForURL(/\/call-centre$/);
    await keyOrder(page, '13800138009', 2);
    await page.getByLabel(zh.form.agentCode).fill('NOSUCHAGENT');
    await page.getByTestId('place-order').click();
    // The API's 400 names agentCode: its message sits under that input, the title above the form.
    await page.getByTestId('problem').waitFor();
    const help = page.locator('#order_agentCode_help');
    await expect(help.innerText()).resolves.toContain('NOSUCHAGENT');
    await page.context().close();
  });

  it('a double-click on submit creates one order', async () => {
    const page = await newPage(browser);
    await signIn(page, `cc.${w.suffix}`);
    await page.waitForURL(/\/call-centre$/);
    await keyOrder(page, '13800138002', 1);
    await page.getByTestId('place-order').dblclick();
    const number = (await page.getByTestId('order-number').innerText()).trim();
    // Let any second request land before counting.
    await page.waitForTimeout(500);
    const orders = await ordersFor('+8613800138002');
    expect(orders.map((o) => o.number)).toEqual([number]);
    await page.context().close();
  });

  it('the operator finds the caller’s past orders and cancels one with a reason', async () => {
    const page = await newPage(browser);
    await signIn(page, `cc.${w.suffix}`);
    await page.waitForURL(/\/call-centre$/);
    await page.getByLabel(zh.callCentre.phone).fill('+86 138 0013 8002');
    await page.getByLabel(zh.callCentre.phone).press('Enter');
    const [order] = await ordersFor('+8613800138002');
    const row = page.locator('tr', { hasText: order.number });
    await row.getByRole('button', { name: zh.order.cancel }).click();
    await page.getByLabel(zh.order.cancelReason).fill('customer changed their mind');
    await page.getByRole('dialog').getByRole('button', { name: zh.order.cancel }).click();
    await row.getByText(zh.order.statuses.cancelled).waitFor();
    const res = await app.http().get(`/api/orders/${order.id}`).set(auth(w.tokens.callCenter));
    expect(res.body.status).toBe('cancelled');
    const events = await app.http().get(`/api/orders/${order.id}/events`).set(auth(w.tokens.callCenter));
    expect(events.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ reason: 'customer changed their mind' })]),
    );
    await page.context().close();
  });

  it('the call-centre screens work without a mouse: Tab through the form in reading order, Enter submits', async () => {
    const page = await newPage(browser);
    await signIn(page, `cc.${w.suffix}`);
    await page.waitForURL(/\/call-centre$/);
    const focused = () => page.evaluate('document.activeElement && document.activeElement.id');
    // The phone search has the focus on arrival.
    await expect(focused()).resolves.toBe('phone');
    await page.keyboard.type('13800138005');
    await page.keyboard.press('Enter');
    await page.getByText(zh.callCentre.noOrders).waitFor();
    await page.keyboard.press('Tab'); // the search button
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('order_customer_phone');
    await page.keyboard.type('13800138005');
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('order_customer_name');
    await page.keyboard.type('Sun Li');
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('order_lines_0_sku');
    await page.keyboard.type(w.skus.pen);
    await page.locator('.ant-select-item-option', { hasText: w.skus.pen }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('order_lines_0_quantity');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('4');
    // The remove button of the only line is disabled, so Tab goes on to "add product", then the
    // fulfilment choice; the arrow keys pick door delivery.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('order_fulfillment_campusId');
    await page.keyboard.type('Campus CA2');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('order_fulfillment_address');
    await page.keyboard.type('Library, 3rd floor');
    await page.keyboard.press('Enter');
    const number = (await page.getByTestId('order-number').innerText()).trim();
    const [order] = await ordersFor('+8613800138005');
    expect(order).toMatchObject({ number, totalCents: 2000, channel: 'phone' });
    const full = await app.http().get(`/api/orders/${order.id}`).set(auth(w.tokens.callCenter));
    expect(full.body.fulfillment).toMatchObject({
      type: 'delivery',
      campusId: w.campusA2.id,
      address: 'Library, 3rd floor',
    });
    expect(full.body.paymentMethod).toBe('cod');
    await page.context().close();
  });

  it('a manager suspends and reactivates the agent, then assigns the order to them', async () => {
    const page = await newPage(browser);
    await signIn(page, `mgr.a.${w.suffix}`);
    await page.waitForURL(/\/manager$/);
    await page.getByRole('tab', { name: zh.manager.agents }).click();
    const row = page.locator('tr', { hasText: agent.referralCode });
    await row.getByRole('button', { name: zh.manager.suspend }).click();
    await row.getByRole('button', { name: zh.manager.reactivate }).waitFor();
    await row.getByRole('button', { name: zh.manager.reactivate }).click();
    await row.getByRole('button', { name: zh.manager.suspend }).waitFor();

    await page.getByRole('tab', { name: zh.manager.unassigned }).click();
    await page.getByRole('button', { name: zh.common.refresh }).click();
    const select = page.getByRole('combobox', { name: `${zh.manager.assignTo} ${order.number}` });
    await select.click();
    await page.locator('.ant-select-item-option', { hasText: agent.referralCode }).first().click();
    await screenshot(page, 'manager');
    await page
      .locator('tr', { hasText: order.number })
      .getByRole('button', { name: zh.manager.assign })
      .click();
    await page.locator('tr', { hasText: order.number }).waitFor({ state: 'detached' });

    const res = await app.http().get(`/api/orders/${order.id}`).set(auth(w.tokens.managerA));
    expect(res.body).toMatchObject({ status: 'assigned', assignedAgentId: agent.id });
    await page.context().close();
  });

  it('the agent delivers it on a 375 px phone with the COD amount pre-filled', async () => {
    const page = await newPage(browser, {
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    await signIn(page, agent.username);
    await page.waitForURL(/\/agent$/);
    const card = page.getByTestId(`work-${order.number}`);
    await card.getByText('¥78.00').first().waitFor();
    await screenshot(page, 'agent');
    await card.getByRole('button', { name: zh.agent.dispatch }).click();
    await page.getByText(`${zh.agent.out} (1)`).click();
    await page.getByTestId(`work-${order.number}`).getByRole('button', { name: zh.agent.deliver }).click();
    const amount = page.getByLabel(zh.agent.codCollected);
    await expect(amount.inputValue()).resolves.toBe('78.00');
    await screenshot(page, 'agent-deliver');
    await page.getByTestId('confirm-deliver').click();
    await page.getByTestId(`work-${order.number}`).waitFor({ state: 'detached' });

    const res = await app.http().get(`/api/orders/${order.id}`).set(auth(w.tokens.managerA));
    expect(['delivered', 'completed']).toContain(res.body.status);
    expect(res.body.codCollectedCents).toBe(7800);
    await page.context().close();
  });

  it('the agent deposits a COD locker parcel (shown the compartment); the pickup clerk hands it out by its code', async () => {
    // The worker texts the pickup code (and assigns the order to the campus's only agent).
    await app.startWorker();
    const admin = w.tokens.admin;
    const point = await fx.post<{ id: string; code: string }>(admin, '/api/pickup-points', {
      code: `CP${w.suffix}`,
      name: 'Dorm 9 lobby',
      campusId: w.campusA2.id,
    });
    const locker = await fx.post<{ id: string; code: string }>(admin, '/api/lockers', {
      code: `CL${w.suffix}`,
      pickupPointId: point.id,
      compartments: { S: 1, M: 1 },
    });
    const clerk = `clerk.console.${w.suffix}`.toLowerCase();
    await fx.user({ username: clerk, role: 'pickup_staff', pickupPointId: point.id });
    const phone = '+8613800138003';
    const placedRes = await app
      .http()
      .post('/api/orders')
      .set(auth(w.tokens.callCenter))
      .set('Idempotency-Key', `console-locker-${w.suffix}`)
      .send({
        customer: { phone },
        lines: [{ sku: w.skus.pen, quantity: 3 }],
        fulfillment: { type: 'locker', pickupPointId: point.id },
        paymentMethod: 'cod',
      });
    expect(placedRes.status).toBe(201);
    const placed = placedRes.body as OrderBody;
    await eventually(async () => {
      const res = await app.http().get(`/api/orders/${placed.id}`).set(auth(admin));
      return res.body.assignedAgentId === agent.id;
    });

    const phonePage = await newPage(browser, {
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
    });
    await signIn(phonePage, agent.username);
    await phonePage.waitForURL(/\/agent$/);
    await phonePage
      .getByTestId(`work-${placed.number}`)
      .getByRole('button', { name: zh.agent.dispatch })
      .click();
    await phonePage.getByText(new RegExp(`^${zh.agent.out} \\(\\d+\\)$`)).click();
    await phonePage
      .getByTestId(`work-${placed.number}`)
      .getByRole('button', { name: zh.agent.deposit })
      .click();
    await phonePage.getByRole('button', { name: zh.agent.deposit, exact: true }).last().click();
    const shown = await phonePage.getByTestId('compartment').innerText();
    const [parcel] = (await app.http().get(`/api/lockers/${locker.id}/parcels`).set(auth(admin))).body as {
      orderId: string;
      compartment: { label: string };
    }[];
    expect(parcel.orderId).toBe(placed.id);
    expect(shown).toContain(parcel.compartment.label);
    await phonePage.context().close();

    const code = await eventually(async () => {
      const text = (await fx.codeTexts(phone, 'pickup_code')).find((t) => t.text.includes(placed.number));
      return text?.text.match(/(?<!\d)\d{6}(?!\d)/)?.[0];
    });
    const page = await newPage(browser);
    await signIn(page, clerk);
    await page.waitForURL(/\/pickup$/);
    const lockerSelect = page.getByLabel(zh.pickup.locker);
    await lockerSelect.focus();
    await lockerSelect.press('ArrowDown');
    await page.locator('.ant-select-item-option', { hasText: locker.code }).click();
    await page.getByLabel(zh.pickup.code).fill(code);
    await page.getByLabel(zh.pickup.customerPhone).fill('138 0013 8003');
    // Wrong cash first: the API's problem is shown, nothing is handed out.
    await page.getByLabel(zh.pickup.codCollected).fill('1.00');
    await page.getByRole('button', { name: zh.pickup.handOutButton }).click();
    await page.getByTestId('problem').waitFor();
    await page.getByLabel(zh.pickup.codCollected).fill('15.00');
    await page.getByRole('button', { name: zh.pickup.handOutButton }).click();
    await page.getByText(`请打开 ${parcel.compartment.label} 号格口`).waitFor();
    await screenshot(page, 'pickup');
    const res = await app.http().get(`/api/orders/${placed.id}`).set(auth(admin));
    expect(res.body).toMatchObject({ codCollectedCents: 1500 });
    expect(['delivered', 'completed']).toContain(res.body.status);
    await page.context().close();
  });

  it('a manager reads the reports: channel funnel and conversion, agent leaderboard, repeat purchases', async () => {
    const page = await newPage(browser);
    await signIn(page, `mgr.a.${w.suffix}`);
    await page.waitForURL(/\/manager$/);
    await page.getByRole('tab', { name: zh.reports.tab }).click();
    const from = await page.getByLabel(zh.reports.from).inputValue();
    const to = await page.getByLabel(zh.reports.to).inputValue();
    const period = await page.getByLabel(zh.reports.period).inputValue();
    const api = await app
      .http()
      .get('/api/reports/channels')
      .query({ from, to })
      .set(auth(w.tokens.managerA));
    expect(api.status).toBe(200);
    const phone = (
      api.body.channels as { channel: string; orders: number; conversionRate: number | null }[]
    ).find((c) => c.channel === 'phone')!;
    expect(phone.orders).toBeGreaterThanOrEqual(3);
    const row = page.locator('tr', { hasText: zh.reports.channels.phone }).first();
    await expect(row.locator('td').nth(1).innerText()).resolves.toBe(String(phone.orders));
    // Three ECharts canvases: funnel, leaderboard, repeat purchases.
    await page.getByTestId('chart').nth(2).locator('canvas').waitFor();
    expect(await page.getByTestId('chart').locator('canvas').count()).toBe(3);
    const board = await app.http().get('/api/reports/agents').query({ period }).set(auth(w.tokens.managerA));
    const standing = (board.body.agents as { displayName: string; ordersDelivered: number }[]).find(
      (a) => a.displayName === 'Wang Fang',
    )!;
    expect(standing.ordersDelivered).toBe(2);
    await expect(
      page.locator('tr', { hasText: 'Wang Fang' }).first().locator('td').nth(3).innerText(),
    ).resolves.toBe('2');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'CSV' }).first().click();
    const csv = await (await download).createReadStream();
    const text = await new Promise<string>((resolve) => {
      let body = '';
      csv.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      csv.on('end', () => resolve(body));
    });
    expect(text).toMatch(/phone/);
    await screenshot(page, 'manager-reports');
    await page.context().close();
  });

  it('the agent schedules an install task and completes it with the code texted to the customer', async () => {
    const phone = '+8613800138004';
    const res = await app
      .http()
      .post('/api/orders')
      .set(auth(w.tokens.callCenter))
      .set('Idempotency-Key', `console-task-${w.suffix}`)
      .send({
        customer: { phone, name: 'Zhao Min' },
        lines: [{ sku: w.skus.router, quantity: 1 }],
        fulfillment: { type: 'delivery', campusId: w.campusA2.id, address: 'Dorm 7, room 101' },
        paymentMethod: 'cod',
      });
    expect(res.status).toBe(201);
    const placed = res.body as OrderBody;
    const agentToken = await fx.login(agent.username);
    const task = await eventually(async () => {
      const list = await app.http().get('/api/tasks').query({ orderId: placed.id }).set(auth(agentToken));
      return list.body.items?.[0] as { id: string; status: string } | undefined;
    });
    await app.http().post(`/api/orders/${placed.id}/dispatch`).set(auth(agentToken)).expect(200);
    await app
      .http()
      .post(`/api/orders/${placed.id}/deliver`)
      .set(auth(agentToken))
      .send({ codCollectedCents: placed.totalCents })
      .expect(200);

    const page = await newPage(browser, {
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
    });
    await signIn(page, agent.username);
    await page.waitForURL(/\/agent$/);
    await page.getByRole('tab', { name: zh.agent.tasks }).click();
    const card = page.locator('.adm-card', { hasText: placed.number });
    await card.getByRole('button', { name: zh.agent.schedule }).click();
    // Tomorrow 14:00–16:00 in Shanghai, whatever the browser's zone (London here).
    const tomorrow = new Date(Date.now() + 24 * 3600_000 + 8 * 3600_000).toISOString().slice(0, 10);
    await page.getByLabel(zh.agent.windowDate).fill(tomorrow);
    await page.getByLabel(zh.agent.windowStart).fill('14:00');
    await page.getByLabel(zh.agent.windowEnd).fill('16:00');
    await page.getByRole('button', { name: zh.common.save }).click();
    await card.getByText(`${tomorrow} 14:00`).waitFor();
    const scheduled = await app.http().get(`/api/tasks/${task.id}`).set(auth(agentToken));
    expect(scheduled.body).toMatchObject({
      status: 'scheduled',
      windowStart: new Date(`${tomorrow}T06:00:00.000Z`).toISOString(),
    });

    const code = await eventually(() => fx.taskCode(phone));
    await card.getByRole('button', { name: zh.agent.complete }).click();
    await page.getByLabel(zh.agent.confirmationCode).fill(code);
    await screenshot(page, 'agent-task');
    await page.getByRole('button', { name: zh.agent.complete }).last().click();
    await card.waitFor({ state: 'detached' });
    const done = await app.http().get(`/api/tasks/${task.id}`).set(auth(agentToken));
    expect(done.body.status).toBe('done');
    await page.context().close();
  });

  it('the agent reads this month’s earnings with the COD cash held', async () => {
    const period = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    // The worker completes the delivered orders: the attributed one earns 10 %, the install its fee.
    const earnings = await eventually(async () => {
      const res = await app
        .http()
        .get(`/api/agents/${agent.id}/earnings`)
        .query({ period })
        .set(auth(w.tokens.admin));
      return res.body.commissionCents === 780 && res.body.installFeeCents > 0 ? res.body : undefined;
    }, 20_000);
    expect(earnings.codHeldCents).toBe(7800 + 29900);

    const page = await newPage(browser, {
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
    });
    await signIn(page, agent.username);
    await page.waitForURL(/\/agent$/);
    await page.getByRole('tab', { name: zh.agent.earnings }).click();
    const net = `${earnings.netCents < 0 ? '-' : ''}¥${(Math.abs(earnings.netCents) / 100).toFixed(2)}`;
    await page
      .getByTestId('earnings-commission')
      .filter({ hasText: /^¥7\.80$/ })
      .waitFor();
    await page
      .getByTestId('cod-held')
      .filter({ hasText: /^¥377\.00$/ })
      .waitFor();
    await page.getByTestId('earnings-net').filter({ hasText: net }).waitFor();
    await screenshot(page, 'agent-earnings');
    await page.context().close();
  });

  it('a manager creates the month’s settlement, a second manager approves it (four eyes), the CSV downloads', async () => {
    const period = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const page = await newPage(browser, { acceptDownloads: true });
    await signIn(page, `mgr.a.${w.suffix}`);
    await page.waitForURL(/\/manager$/);
    await page.getByRole('tab', { name: zh.settlement.tab }).click();
    await page.getByLabel(zh.reports.period).fill(period);
    await page.getByRole('button', { name: zh.settlement.create }).click();
    const row = page.locator('tr', { hasText: 'Wang Fang' }).first();
    await row.waitFor();
    await expect(page.getByTestId('settlement-status').innerText()).resolves.toBe(
      zh.settlement.statuses.draft,
    );

    // A draft made too early is discarded (confirmed), then the month is drafted again.
    const draftId = (
      await app
        .http()
        .get('/api/settlements')
        .query({ regionId: w.regionA.id, period })
        .set(auth(w.tokens.managerA))
    ).body.items[0].id as string;
    await page.getByRole('button', { name: zh.settlement.discard }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: zh.settlement.discard }).click();
    await page.getByText(zh.settlement.discarded).waitFor();
    expect((await app.http().get(`/api/settlements/${draftId}`).set(auth(w.tokens.managerA))).status).toBe(
      404,
    );
    await page.getByRole('button', { name: zh.settlement.create }).click();
    await row.waitFor();

    const list = await app
      .http()
      .get('/api/settlements')
      .query({ regionId: w.regionA.id, period })
      .set(auth(w.tokens.managerA));
    const id = list.body.items[0].id as string;
    const created = await app.http().get(`/api/settlements/${id}`).set(auth(w.tokens.managerA));
    const statement = (
      created.body.statements as { agentName: string; netCents: number; commissionCents: number }[]
    ).find((st) => st.agentName === 'Wang Fang')!;
    expect(statement.commissionCents).toBe(780);

    // Review the agent's statement: its entries.
    await row.locator('.ant-table-row-expand-icon').click();
    await page.getByText(zh.settlement.kinds.order_commission).first().waitFor();
    await page.getByText(zh.settlement.kinds.install_fee).first().waitFor();

    // Four eyes: who drew it up sees why they cannot approve it; a second manager of the region does.
    await page.getByTestId('four-eyes').getByText(zhApprovals.otherApprover).waitFor();
    expect(await page.getByRole('button', { name: zh.settlement.approve }).count()).toBe(0);
    expect(await seriousA11yViolations(page, '[data-testid="four-eyes"]')).toEqual([]);
    await page.context().close();
    const checker = `mgr.a2.${w.suffix}`;
    await fx.user({ username: checker, role: 'regional_manager', regionId: w.regionA.id });
    const page2 = await newPage(browser, { acceptDownloads: true });
    await signIn(page2, checker);
    await page2.waitForURL(/\/manager$/);
    await page2.getByRole('tab', { name: zh.settlement.tab }).click();
    await page2.getByLabel(zh.reports.period).fill(period);
    await page2.getByRole('button', { name: zh.settlement.open }).click();
    await page2.getByRole('button', { name: zh.settlement.approve }).click();
    await page2.locator('.ant-popconfirm').getByRole('button', { name: zh.settlement.approve }).click();
    await page2.getByText(zh.settlement.statuses.approved, { exact: true }).waitFor();
    await screenshot(page2, 'manager-settlement');
    const approved = await app.http().get(`/api/settlements/${id}`).set(auth(w.tokens.managerA));
    expect(approved.body.status).toBe('approved');

    const download = page2.waitForEvent('download');
    await page2.getByRole('button', { name: zh.settlement.csv }).click();
    const file = await download;
    const csv = await new Promise<string>((resolve, reject) => {
      void file.createReadStream().then((stream) => {
        let body = '';
        stream.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        stream.on('end', () => resolve(body));
        stream.on('error', reject);
      }, reject);
    });
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'region,period,status,agent_id,agent_name,campus,commission,reversals,install_fees,adjustments,cod_held,cash_refunds,net_payable,entries',
    );
    const cells = lines.find((l) => l.includes('Wang Fang'))!.split(',');
    expect(cells).toEqual(
      expect.arrayContaining([period, 'approved', agent.id, 'Wang Fang', '7.80', '377.00']),
    );
    expect(cells[12]).toBe((statement.netCents / 100).toFixed(2));
    expect(lines[lines.length - 1]).toMatch(/^TOTAL|,TOTAL,/);
    await page2.context().close();
  });

  it('a customer signs in with a texted code and sees their own orders', async () => {
    const page = await newPage(browser);
    await page.goto(`${base}/sign-in`);
    await page.getByRole('tab', { name: zh.signIn.customer }).click();
    await page.getByLabel(zh.signIn.phone).fill('138 0013 8003');
    await page.getByRole('button', { name: zh.signIn.sendCode }).click();
    await page.getByText(zh.signIn.codeSent.replace('{{phone}}', '+8613800138003')).waitFor();
    await page.getByLabel(zh.signIn.code).fill(await fx.latestCode('+8613800138003'));
    await page.getByLabel(zh.signIn.code).press('Enter');
    await page.waitForURL(/\/my-orders$/);
    const mine = await ordersFor('+8613800138003');
    expect(mine).toHaveLength(1);
    await page.locator('tr', { hasText: mine[0].number }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    await screenshot(page, 'customer');
    await page.context().close();
  });

  it('pickup staff see the counter desk; signing out clears the session and a bad token returns to sign-in', async () => {
    const page = await newPage(browser);
    await signIn(page, `pick.a1.${w.suffix}`);
    await page.waitForURL(/\/pickup$/);
    await page.getByRole('heading', { name: zh.pickup.handOut }).waitFor();

    await page.getByRole('button', { name: zh.app.signOut }).click();
    await page.waitForURL(/\/sign-in$/);
    await expect(page.evaluate('window.sessionStorage.length')).resolves.toBe(0);

    // Chinese by default, English on request (remembered for the next visit).
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('heading', { name: 'Campus Orders · Sign in' }).waitFor();
    await page.getByText('中文', { exact: true }).click();
    await page.getByRole('heading', { name: `${zh.app.title} · ${zh.signIn.title}` }).waitFor();

    // A token the API no longer accepts: the first 401 ends the session.
    await signIn(page, `pick.a1.${w.suffix}`);
    await page.waitForURL(/\/pickup$/);
    await page.evaluate(`(() => {
      const s = JSON.parse(window.sessionStorage.getItem('campus.session'));
      window.sessionStorage.setItem('campus.session', JSON.stringify({ ...s, token: 'expired' }));
    })()`);
    await page.reload();
    await page.waitForURL(/\/sign-in$/);
    await expect(page.evaluate("window.sessionStorage.getItem('campus.session')")).resolves.toBeNull();
    await page.context().close();
  });

  it('serves the console for app routes and keeps /api answers as the API', async () => {
    const deep = await fetch(`${base}/agent/some/deep/link`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
    // PUBLIC_BASE_URL is http: here, so http: assets are not upgraded to https: (that would leave a
    // console opened at a plain-http LAN address without its scripts).
    expect(deep.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    const missing = await fetch(`${base}/api/no-such-route`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    for (const name of [
      'call-centre',
      'manager',
      'manager-reports',
      'manager-settlement',
      'agent',
      'agent-earnings',
      'pickup',
    ]) {
      const file = `${__dirname}/../docs/screenshots/${name}.png`;
      expect(existsSync(file) && statSync(file).size > 10_000).toBe(true);
    }
  });
});
