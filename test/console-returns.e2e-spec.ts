import type { Browser, Page } from 'playwright-core';
import { eventually, STAFF_PASSWORD } from '@campus/testing';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { bundle as deskReturns } from '../apps/console/src/locales/areas/desk/returns';
import { bundle as returns } from '../apps/console/src/locales/areas/returns';
import { zhCN as zh } from '../apps/console/src/locales/zh-CN';
import { auth, startApp } from './support/app';
import { seriousA11yViolations } from './support/axe';
import { ensureConsoleBuilt, launchChromium, listen, newPage, screenshot } from './support/console-browser';
import { FulfilmentDriver, newPhone } from './support/fulfilment';

const r = returns['zh-CN'].returns;
const dr = deskReturns['zh-CN'].deskReturns;
const fill = (s: string, values: Record<string, string | number>) =>
  s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(values[k]));

jest.setTimeout(180_000);

/**
 * Returns in a real Chromium (issue 16): a customer on a 375 px phone asks to return one unit of a
 * line from "my orders" in the shop; the region's manager approves it from the desk console's
 * Returns screen with the keyboard (note, Alt+A), which opens the agent's return_pickup task.
 * Screens saved to docs/screenshots/returns-*.png; axe finds no serious or critical violation.
 */
describe('Returns in a browser (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    ({ app, fx } = await startApp({ worker: true }));
    base = await listen(app);
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const expectAccessible = async (page: Page) => expect(await seriousA11yViolations(page)).toEqual([]);

  it('a customer asks to return a line from "my orders" (375 px); the manager approves it on the Returns screen', async () => {
    const site = await d.site({ agents: 1 });
    const phone = newPhone();
    const lamp = await fx.product(`RLAMP-${w.suffix}`, { name: 'Desk lamp', priceCents: 8800, stock: 10 });
    const o = await d.order({
      customer: { phone, name: 'Li Lei' },
      lines: [
        { sku: lamp, quantity: 2 },
        { sku: w.skus.usb, quantity: 1 },
      ],
      fulfillment: { type: 'delivery', campusId: site.campus.id, address: 'Dorm 5, room 302' },
      paymentMethod: 'cod',
    });
    const agent = await d.outForDelivery(o.id, site);
    expect(
      (await d.post(agent.token, `/api/orders/${o.id}/deliver`, { codCollectedCents: o.totalCents })).status,
    ).toBe(200);
    await d.completed(o.id);
    const customer = await fx.customer(phone);

    // The customer's phone: signed in (the shop's session), campus chosen, on the order's page.
    const page = await newPage(browser, {
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const session = JSON.stringify({
      token: customer.token,
      kind: 'customer',
      userId: customer.id,
      role: 'customer',
      name: phone,
    });
    const campus = JSON.stringify({ id: site.campus.id, name: 'Campus' });
    await page.addInitScript(
      `window.sessionStorage.setItem('campus.session', ${JSON.stringify(session)});` +
        `window.localStorage.setItem('campus.shop.campus', ${JSON.stringify(campus)});`,
    );
    await page.goto(`${base}/shop/orders/${o.id}`);
    await page.getByTestId('order-number').waitFor();
    await page.getByRole('button', { name: r.ask }).click();
    const name = 'Desk lamp';
    await page.getByLabel(fill(r.quantity, { name }), { exact: true }).fill('1');
    await page.getByLabel(r.reason).fill('灯不亮');
    await screenshot(page, 'returns-shop-form');
    await page.getByRole('button', { name: r.submit }).click();
    await page.getByTestId('return-request').getByText(r.statuses.open).waitFor();
    await expectAccessible(page);
    await screenshot(page, 'returns-shop-requested');
    const [request] = (
      await app.http().get('/api/return-requests').query({ orderId: o.id }).set(auth(w.tokens.managerA))
    ).body.items as { id: string; status: string; lines: { sku: string; quantity: number }[] }[];
    expect(request).toMatchObject({ status: 'open', lines: [{ sku: lamp, quantity: 1 }] });

    // The region's manager at the desk: the Returns screen, the note typed, Alt+A approves.
    const desk = await newPage(browser, { viewport: { width: 1280, height: 800 } });
    await desk.goto(`${base}/`);
    await desk.waitForURL(/\/sign-in$/);
    await desk.getByLabel(zh.signIn.username).fill(`mgr.a.${w.suffix}`.toLowerCase());
    await desk.getByLabel(zh.signIn.password).fill(STAFF_PASSWORD);
    await desk.getByLabel(zh.signIn.password).press('Enter');
    await desk.getByRole('tab', { name: dr.tab }).click();
    const note = desk.getByLabel(fill(dr.note, { number: o.number }));
    await note.waitFor();
    await note.focus();
    await desk.keyboard.type('已联系顾客，上门取件');
    await screenshot(desk, 'returns-desk-open');
    await desk.keyboard.press('Alt+a');
    await desk.getByText(fill(dr.approved, { number: o.number })).waitFor();
    await expectAccessible(desk);
    const approved = await eventually(async () => {
      const res = await app.http().get(`/api/return-requests/${request.id}`).set(auth(w.tokens.managerA));
      return res.body.status === 'approved' && res.body;
    });
    expect(approved).toMatchObject({ decisionNote: '已联系顾客，上门取件', collection: 'agent' });
    const task = await app.http().get(`/api/tasks/${approved.taskId}`).set(auth(agent.token));
    expect(task.body).toMatchObject({ kind: 'return_pickup', agentId: agent.id, orderId: o.id });

    // Back on the phone: the request shows as approved.
    await page.reload();
    await page.getByTestId('return-request').getByText(r.statuses.approved).waitFor();
    await screenshot(page, 'returns-shop-approved');
  });
});
