import type { Browser, Page } from 'playwright-core';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually } from '@campus/testing';
import { bundle as deskTickets } from '../apps/console/src/locales/areas/desk/tickets';
import { bundle as shop } from '../apps/console/src/locales/areas/shop';
import { bundle as tickets } from '../apps/console/src/locales/areas/tickets';
import { zhCN } from '../apps/console/src/locales/zh-CN';
import { auth, startApp } from './support/app';
import { seriousA11yViolations } from './support/axe';
import { ensureConsoleBuilt, launchChromium, listen, newPage, screenshot } from './support/console-browser';
import { newPhone } from './support/fulfilment';

jest.setTimeout(120_000);

const zhShop = shop['zh-CN'].shop;
const zhT = tickets['zh-CN'].tickets;
const zhDesk = deskTickets['zh-CN'].deskTickets;
const PHONE_VIEW = {
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
const fill = (s: string, values: Record<string, string | number>) =>
  s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(values[k]));

/**
 * Tickets in a real Chromium: a student on a 375 px phone opens a complaint from "my orders" → the
 * order; the call centre finds it on its desk (keyboard: the ticket's button, the reply box, Ctrl+Enter)
 * and replies; the reply is texted, and the student sees it on the order page. axe finds no serious or
 * critical violation; screens saved to docs/screenshots/tickets-*.png.
 */
describe('Tickets in a browser (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    ({ app, fx } = await startApp({ worker: true }));
    base = await listen(app);
    w = await fx.world();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const expectAccessible = async (page: Page) => expect(await seriousA11yViolations(page)).toEqual([]);

  it('a customer opens a ticket from my orders and sees the call centre’s reply', async () => {
    const phone = newPhone();
    const placed = await app
      .http()
      .post('/api/orders')
      .set(auth(w.tokens.callCenter))
      .set('Idempotency-Key', `tickets-browser-${phone}`)
      .send({
        customer: { phone, name: 'Han Meimei' },
        lines: [{ sku: w.skus.usb, quantity: 1 }],
        fulfillment: { type: 'delivery', campusId: w.campusA1.id, address: 'Dorm 5, room 302' },
        paymentMethod: 'cod',
      });
    expect(placed.status).toBe(201);
    const order = placed.body as { id: string; number: string };

    // 1. the student, on a phone: my orders → the order → "help with this order"
    const student = await newPage(browser, PHONE_VIEW);
    await student.goto(`${base}/shop/orders`);
    await student.getByRole('heading', { name: zhShop.signIn.title }).waitFor();
    await student.getByLabel(zhShop.signIn.phone, { exact: true }).fill(phone);
    await student.getByRole('button', { name: zhShop.signIn.sendCode }).click();
    // The code is read once the shop says it was sent (the request may still be on its way).
    await student.getByText(fill(zhShop.signIn.sent, { phone })).waitFor();
    await student.getByLabel(zhShop.signIn.code, { exact: true }).fill(await fx.latestCode(phone));
    await student.getByRole('button', { name: zhShop.signIn.submit, exact: true }).click();
    await student.getByRole('link', { name: fill(zhShop.order.view, { number: order.number }) }).click();
    await student.getByRole('heading', { name: zhT.title }).waitFor();
    await student.getByText(zhT.kinds.complaint, { exact: true }).click();
    await student.getByLabel(zhT.body).fill('收到的U盘外壳有划痕');
    await student.getByRole('button', { name: zhT.send }).click();
    await student
      .getByRole('status')
      .filter({ hasText: zhT.sent.split('{{')[0] })
      .waitFor();
    await student.getByText('收到的U盘外壳有划痕').waitFor();
    await student.getByText(zhT.waiting).waitFor();
    await expectAccessible(student);
    await screenshot(student, 'tickets-shop-opened');
    const [ticket] = (
      await app.http().get('/api/tickets').query({ orderId: order.id }).set(auth(w.tokens.callCenter))
    ).body.items as { id: string; ref: string }[];
    expect(ticket).toBeDefined();

    // 2. the call centre, keyboard-first: the open tickets on its desk, the ticket's button, a reply
    const desk = await newPage(browser);
    await desk.goto(`${base}/`);
    await desk.waitForURL(/\/sign-in$/);
    await desk.getByLabel(zhCN.signIn.username).fill(`cc.${w.suffix}`.toLowerCase());
    await desk.getByLabel(zhCN.signIn.password).fill('staff-password-1');
    await desk.getByLabel(zhCN.signIn.password).press('Enter');
    const open = desk.getByTestId(`open-ticket-${ticket.ref}`);
    await open.focus();
    await desk.keyboard.press('Enter');
    await desk.getByRole('dialog', { name: fill(zhDesk.drawerTitle, { ref: ticket.ref }) }).waitFor();
    const reply = desk.getByLabel(zhDesk.reply);
    await reply.fill('抱歉！我们将为您更换，代理明天联系您。');
    await reply.press('Control+Enter');
    await desk.getByText(fill(zhDesk.replied, { phone })).waitFor();
    // The desk's own parts (the rest of the call-centre page is checked by console-desks).
    expect(await seriousA11yViolations(desk, '.ant-drawer-content')).toEqual([]);
    expect(await seriousA11yViolations(desk, '[data-testid="tickets-panel"]')).toEqual([]);
    await screenshot(desk, 'tickets-desk-reply');

    // 3. the reply is texted to the student...
    const texted = await eventually(async () => {
      const res = await app
        .http()
        .get('/api/notifications')
        .query({ to: phone, type: 'ticket_reply' })
        .set(auth(w.tokens.admin));
      return res.body.items?.[0] as { body: string } | undefined;
    });
    expect(texted.body).toContain('我们将为您更换');
    // ...and shows on the order page
    await student.reload();
    await student.getByText('抱歉！我们将为您更换，代理明天联系您。').waitFor();
    await expect(student.locator('[data-author="staff"]').count()).resolves.toBe(1);
    await screenshot(student, 'tickets-shop-reply');
  });
});
