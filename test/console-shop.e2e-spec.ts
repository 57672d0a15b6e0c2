import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { bundle } from '../apps/console/src/locales/areas/shop';
import { zhCN } from '../apps/console/src/locales/zh-CN';
import { auth, startApp } from './support/app';
import { seriousA11yViolations } from './support/axe';
import { ensureConsoleBuilt, launchChromium, newPage, screenshot } from './support/console-browser';
import { FakeAlipay, startFakeAlipay } from './support/fake-alipay';

const zh = bundle['zh-CN'].shop;
const statuses = zhCN.order.statuses;
/** A free local port, so PUBLIC_BASE_URL (Alipay's return URLs must be on it) can name it before boot. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

const fill = (s: string, values: Record<string, string | number>) =>
  s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(values[k]));

interface OrderBody {
  id: string;
  number: string;
  status: string;
  channel: string;
  agentId: string | null;
  totalCents: number;
  paymentMethod: string;
  fulfillment: { type: string; pickupPointId: string | null; address: string | null; campusId: string };
  lines: { sku: string; quantity: number }[];
}

/**
 * The shop (/shop) in a real Chromium against the built app: a student on a 375 px phone chooses a
 * campus, browses and searches, adds two products, signs in with the texted code only at checkout,
 * places a cash-on-delivery order to a locker and watches its status change live; "my orders" with
 * the timeline, cancel and buy again; an agent's share link attributes the order; a desktop-wide
 * screen gets the two-column layout and records `web`. Screens saved to docs/screenshots/shop-*.png;
 * axe finds no serious or critical violation on any of them.
 */
describe('Shop in a browser (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let base: string;
  let browser: Browser;
  let deskSku: string;
  let alipay: FakeAlipay;

  beforeAll(async () => {
    ensureConsoleBuilt();
    // Alipay is on (the fake gateway of test/support): checkout offers it beside cash on delivery.
    // Its notices reach the app through supertest; the shop's return URL is on PUBLIC_BASE_URL.
    alipay = await startFakeAlipay({
      deliver: async (url, form) => {
        const res = await app.http().post(url.pathname).type('form').send(form);
        return { status: res.status, text: res.text };
      },
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    ({ app, fx } = await startApp({ env: { ...alipay.env, PUBLIC_BASE_URL: base } }));
    await app.api.listen(port, '127.0.0.1');
    w = await fx.world();
    deskSku = await fx.product(`DESK-${w.suffix}`, { name: 'Desk lamp', priceCents: 8800, stock: 3 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await alipay?.close();
  });

  const phone = (b: Browser) =>
    newPage(b, {
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });

  const ordersOf = async (phoneNumber: string): Promise<OrderBody[]> => {
    const res = await app
      .http()
      .get('/api/orders')
      .query({ phone: phoneNumber })
      .set(auth(w.tokens.callCenter));
    expect(res.status).toBe(200);
    return res.body.items;
  };

  /** A screenshot once the "added to cart" toast has gone. */
  const shot = async (page: Page, name: string) => {
    await page.locator('.adm-toast-mask').waitFor({ state: 'detached' });
    await screenshot(page, name);
  };

  const expectAccessible = async (page: Page) => expect(await seriousA11yViolations(page)).toEqual([]);

  async function chooseCampus(page: Page, name = 'Campus CA1'): Promise<void> {
    await page.getByRole('heading', { name: zh.campus.choose }).waitFor();
    await page.getByRole('button', { name }).click();
    await page.getByTestId('products').locator('li').first().waitFor();
  }

  /** Signs in at the checkout with the code texted to `phoneNumber`, read as the other tests read it. */
  async function signIn(page: Page, phoneNumber: string, typed: string): Promise<void> {
    await page.getByRole('heading', { name: zh.signIn.title }).waitFor();
    await page.getByLabel(zh.signIn.phone, { exact: true }).fill(typed);
    await page.getByRole('button', { name: zh.signIn.sendCode }).click();
    await page.getByText(fill(zh.signIn.sent, { phone: phoneNumber })).waitFor();
    await page.getByLabel(zh.signIn.code, { exact: true }).fill(await fx.latestCode(phoneNumber));
    await page.getByRole('button', { name: zh.signIn.submit, exact: true }).click();
    await page.getByText(fill(zh.signIn.signedInAs, { phone: phoneNumber })).waitFor();
  }

  const addButton = (page: Page, name: string) =>
    page.getByRole('button', { name: fill(zh.catalogue.add, { name }) });

  it('a student at 375 px browses, adds two products, signs in with the code and places a COD order to a locker', async () => {
    const page = await phone(browser);
    await page.goto(`${base}/shop`);
    expect(await page.getAttribute('.shop', 'data-layout')).toBe('phone');
    await chooseCampus(page);
    // Browsing needs no sign-in; prices and availability are shown.
    const usb = page.getByTestId(`product-${w.skus.usb}`);
    await expect(usb.innerText()).resolves.toContain('¥39.00');
    await shot(page, 'shop-catalogue');
    await expectAccessible(page);

    // Search: only the pen.
    await page.getByRole('searchbox').fill(`pen-${w.suffix}`.toLowerCase());
    await page.getByTestId(`product-${w.skus.usb}`).waitFor({ state: 'detached' });
    await addButton(page, `Product ${w.skus.pen}`).click();
    await page.getByRole('searchbox').fill('');
    await usb.waitFor();

    // The product page: two USB sticks.
    await usb.getByRole('link', { name: `Product ${w.skus.usb}` }).click();
    await page.getByRole('heading', { name: `Product ${w.skus.usb}` }).waitFor();
    await page.getByRole('button', { name: zh.qty.increase }).click();
    await expect(page.getByLabel(zh.product.quantity, { exact: true }).inputValue()).resolves.toBe('2');
    await shot(page, 'shop-product');
    await expectAccessible(page);
    await page.getByRole('button', { name: zh.product.addToCart }).click();

    // The cart survives a reload (kept on the device).
    await page.getByRole('navigation').getByText(zh.nav.cart).click();
    await page.getByRole('heading', { name: zh.cart.title }).waitFor();
    await page.reload();
    await expect(page.getByTestId('cart-total').innerText()).resolves.toBe('¥83.00');
    await shot(page, 'shop-cart');
    await expectAccessible(page);

    // Checkout asks for the texted code only now.
    await page.getByRole('button', { name: zh.cart.checkout }).click();
    await signIn(page, '+8613800138111', '138 0013 8111');
    await page.getByTestId(`point-${w.pointA1.code}`).click();
    await shot(page, 'shop-checkout');
    await expectAccessible(page);
    await page.getByTestId('place-order').click();

    const number = (await page.getByTestId('order-number').innerText()).trim();
    await page.getByRole('heading', { name: zh.order.placed }).waitFor();
    await expect(page.getByTestId('order-status').innerText()).resolves.toBe(statuses.confirmed);
    const [order] = await ordersOf('+8613800138111');
    expect(order).toMatchObject({
      number,
      channel: 'wap',
      status: 'confirmed',
      paymentMethod: 'cod',
      totalCents: 8300,
      agentId: null,
      fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
    });
    expect(order.lines.map((l) => [l.sku, l.quantity]).sort()).toEqual(
      [
        [w.skus.pen, 1],
        [w.skus.usb, 2],
      ].sort(),
    );

    // The status is live: a manager assigns the order and the page follows without a reload.
    const assigned = await app
      .http()
      .post(`/api/orders/${order.id}/assign`)
      .set(auth(w.tokens.managerA))
      .send({ agentId: w.agentA1.id });
    expect(assigned.status).toBe(200);
    await page.locator('[data-testid="order-status"][data-status="assigned"]').waitFor({ timeout: 20_000 });
    await page.getByTestId('timeline').getByText(zh.order.events.assign).waitFor();
    await shot(page, 'shop-order');
    await expectAccessible(page);

    // The cart was emptied by the order.
    await page.getByRole('navigation').getByText(zh.nav.cart).click();
    await page.getByText(zh.cart.empty).waitFor();
    await page.context().close();
  });

  it('"my orders": the timeline, cancel, and buy again with availability checked', async () => {
    // Phoned in earlier through the call centre: the student has never used the shop.
    const placed = await app
      .http()
      .post('/api/orders')
      .set(auth(w.tokens.callCenter))
      .set('Idempotency-Key', `buy-again-${w.suffix}`)
      .send({
        customer: { phone: '+8613800138112', name: 'Zhao Min' },
        lines: [
          { sku: w.skus.router, quantity: 3 },
          { sku: w.skus.pen, quantity: 1 },
        ],
        fulfillment: { type: 'counter', pickupPointId: w.shopA1.id },
        paymentMethod: 'cod',
      });
    expect(placed.status).toBe(201);
    // Only two routers are left to sell now (20 in stock, 3 reserved by the order, 15 taken away).
    const adjusted = await app
      .http()
      .post(`/api/products/${w.skus.router}/stock-adjustments`)
      .set(auth(w.tokens.admin))
      .send({ delta: -15, reason: 'damaged in the store' });
    expect(adjusted.body.stock.available).toBe(2);

    const page = await phone(browser);
    await page.goto(`${base}/shop`);
    await chooseCampus(page);
    await page.getByRole('navigation').getByText(zh.nav.orders).click();
    await signIn(page, '+8613800138112', '13800138112');
    const row = page.getByTestId(`order-${placed.body.number}`);
    await expect(row.getByTestId('order-status').innerText()).resolves.toBe(statuses.confirmed);
    await shot(page, 'shop-orders');
    await expectAccessible(page);

    // The order's page: its timeline, then cancel it.
    await row.getByRole('link', { name: fill(zh.order.view, { number: placed.body.number }) }).click();
    await page.getByTestId('timeline').getByText(zh.order.events.placed).waitFor();
    await page.getByRole('button', { name: zh.order.cancel }).click();
    await page.getByRole('dialog').getByRole('button', { name: zh.order.cancel }).click();
    await page.locator('[data-testid="order-status"][data-status="cancelled"]').waitFor();
    await page.getByTestId('timeline').getByText(zh.order.events.cancel).waitFor();
    const cancelled = await app.http().get(`/api/orders/${placed.body.id}`).set(auth(w.tokens.callCenter));
    expect(cancelled.body.status).toBe('cancelled');

    // Buy again: the routers are capped at the two left (the cancel gave 3 back: 5 now), the pen is as before.
    await app
      .http()
      .post(`/api/products/${w.skus.router}/stock-adjustments`)
      .set(auth(w.tokens.admin))
      .send({ delta: -3, reason: 'sold in the store' });
    await page.getByRole('button', { name: zh.order.buyAgain }).click();
    await page.getByRole('heading', { name: zh.cart.title }).waitFor();
    await page.getByTestId(`cart-line-${w.skus.router}`).waitFor();
    await expect(
      page.getByLabel(fill(zh.cart.quantityOf, { name: `Product ${w.skus.router}` })).inputValue(),
    ).resolves.toBe('2');
    await expect(
      page.getByLabel(fill(zh.cart.quantityOf, { name: `Product ${w.skus.pen}` })).inputValue(),
    ).resolves.toBe('1');
    await expect(page.getByTestId('cart-changed').innerText()).resolves.toContain(w.skus.router);
    // The + button stops at what is available.
    await expect(
      page
        .getByTestId(`cart-line-${w.skus.router}`)
        .getByRole('button', { name: zh.qty.increase })
        .isDisabled(),
    ).resolves.toBe(true);
    await page.context().close();
  });

  it("an agent's share link attributes the order to that agent (counter pickup)", async () => {
    const page = await phone(browser);
    await page.goto(`${base}/shop?agent=${w.agentA1.referralCode.toLowerCase()}`);
    await chooseCampus(page);
    await addButton(page, `Product ${w.skus.pen}`).click();
    await page.getByRole('navigation').getByText(zh.nav.cart).click();
    await page.getByTestId('agent-notice').getByText(w.agentA1.referralCode).waitFor();
    await page.getByRole('button', { name: zh.cart.checkout }).click();
    await signIn(page, '+8613800138113', '13800138113');
    await page.getByRole('radio', { name: new RegExp(zh.checkout.counter) }).click();
    await page.getByTestId(`point-${w.shopA1.code}`).click();
    // A double tap places one order (one Idempotency-Key per attempt, the second tap shares it).
    await page.getByTestId('place-order').dblclick();
    const number = (await page.getByTestId('order-number').innerText()).trim();
    await page.waitForTimeout(500); // let a second request, if any, land before counting
    const orders = await ordersOf('+8613800138113');
    expect(orders).toHaveLength(1);
    const [order] = orders;
    expect(order).toMatchObject({
      number,
      agentId: w.agentA1.id,
      channel: 'wap',
      fulfillment: { type: 'counter', pickupPointId: w.shopA1.id },
    });
    await page.context().close();
  });

  it('a desktop-wide screen gets the desk layout, records `web`, and shows a server problem in Chinese beside the cart', async () => {
    const page = await newPage(browser);
    await page.goto(`${base}/shop`);
    expect(await page.getAttribute('.shop', 'data-layout')).toBe('desk');
    await chooseCampus(page, 'Campus CA2');
    await page.getByRole('searchbox').fill('desk lamp');
    await page.getByTestId(`product-${w.skus.usb}`).waitFor({ state: 'detached' });
    const lamp = page.getByTestId(`product-${deskSku}`);
    for (let i = 0; i < 3; i++) await addButton(page, 'Desk lamp').click();
    // The cart column beside the catalogue.
    await expect(page.getByTestId('cart-panel').innerText()).resolves.toContain('¥264.00');
    await expect(lamp.innerText()).resolves.toContain(fill(zh.catalogue.available, { count: 3 }));
    await page.getByRole('searchbox').fill('');
    await page.getByTestId(`product-${w.skus.usb}`).waitFor();
    await shot(page, 'shop-desktop');
    await expectAccessible(page);

    // English on request; the choice is remembered.
    await page.getByRole('button', { name: /EN$/ }).click();
    await page.getByRole('heading', { name: bundle.en.shop.title }).waitFor();
    await page.getByTestId('cart-panel').getByRole('heading', { name: bundle.en.shop.cart.title }).waitFor();
    await page.getByRole('button', { name: /中文$/ }).click();
    await page.getByRole('heading', { name: zh.title }).waitFor();

    await page.getByTestId('cart-panel').getByRole('button', { name: zh.cart.checkout }).click();
    await signIn(page, '+8613800138114', '+86 138 0013 8114');
    // Door delivery to a new saved address on this campus.
    await page.getByRole('radio', { name: new RegExp(zh.checkout.delivery) }).click();
    await page.getByRole('button', { name: zh.address.add }).click();
    await page.getByLabel(zh.address.building).fill('7号楼');
    await page.getByLabel(zh.address.room).fill('512');
    await page.getByLabel(zh.address.recipientName).fill('王芳');
    await page.getByRole('button', { name: zh.address.save }).click();
    await page.getByRole('radio', { name: /7号楼, 512/ }).waitFor();
    expect(await page.getByRole('radio', { name: /7号楼, 512/ }).getAttribute('aria-checked')).toBe('true');
    await expectAccessible(page);

    // Two lamps sell in the store meanwhile: the order is refused, said in Chinese, the cart follows.
    await app
      .http()
      .post(`/api/products/${deskSku}/stock-adjustments`)
      .set(auth(w.tokens.admin))
      .send({ delta: -2, reason: 'sold in the store' });
    await page.getByTestId('place-order').click();
    await expect(page.getByTestId('shop-problem').innerText()).resolves.toBe(
      fill(bundle['zh-CN'].shop.problems.out_of_stock, { sku: deskSku, available: 1 }),
    );
    expect(await ordersOf('+8613800138114')).toEqual([]);
    await expect(page.getByTestId('checkout-adjusted').innerText()).resolves.toContain(deskSku);
    await expect(page.getByTestId('place-order').innerText()).resolves.toContain('¥88.00');
    await page.getByTestId('place-order').click();

    await page.getByTestId('order-number').waitFor();
    const [order] = await ordersOf('+8613800138114');
    expect(order).toMatchObject({
      channel: 'web',
      totalCents: 8800,
      campusId: w.campusA2.id,
      fulfillment: { type: 'delivery', address: '7号楼, 512 · 王芳' },
    });
    await page.context().close();
  });

  /** Cart with one product, checkout signed in, a locker at pointA1, Alipay chosen, order placed. */
  async function placeWithAlipay(
    page: Page,
    phoneNumber: string,
    product: string,
    again = false,
  ): Promise<void> {
    await page.goto(`${base}/shop`);
    if (again) await page.getByTestId('products').locator('li').first().waitFor();
    else await chooseCampus(page);
    await addButton(page, product).click();
    await page.goto(`${base}/shop/checkout`);
    if (!again) await signIn(page, phoneNumber, phoneNumber);
    await page.getByTestId(`point-${w.pointA1.code}`).click();
    await page.getByTestId('pay-alipay').click();
    await page.getByTestId('place-order').click();
    // Straight on to Alipay's cashier (here the fake gateway's page).
    await page.waitForURL((url) => url.href.startsWith(alipay.url));
  }

  const payAtCashier = (page: Page) => page.getByRole('button', { name: '确认付款 / Pay' }).click();

  it('pays with Alipay from a phone: WAP cashier, back to the order, confirmed', async () => {
    const page = await phone(browser);
    await placeWithAlipay(page, '+8613800138116', `Product ${w.skus.usb}`);
    const [placed] = await ordersOf('+8613800138116');
    expect(placed).toMatchObject({ status: 'pending_payment', paymentMethod: 'online', channel: 'wap' });
    const trade = [...alipay.trades.values()].find((t) => t.returnUrl?.includes(placed.id))!;
    expect(trade).toMatchObject({ method: 'alipay.trade.wap.pay', totalAmount: '39.00' });
    expect(trade.returnUrl).toMatch(new RegExp(`^${base}/shop/orders/${placed.id}\\?from=alipay`));

    // The cashier sends the signed notice and the browser back to the shop, which asks the API to
    // check with Alipay: the order is confirmed, never shown unpaid.
    await payAtCashier(page);
    await page.waitForURL(new RegExp(`/shop/orders/${placed.id}$`));
    await page.locator('[data-testid="order-status"][data-status="confirmed"]').waitFor();
    await page.getByTestId('timeline').getByText(zh.order.events.pay).waitFor();
    await expect(page.getByTestId('pay-panel').count()).resolves.toBe(0);
    await shot(page, 'shop-paid');
    await expectAccessible(page);
    const [paid] = await ordersOf('+8613800138116');
    expect(paid).toMatchObject({ id: placed.id, status: 'confirmed', paymentMethod: 'online' });
    await page.context().close();
  });

  it('an unpaid order: the time left, pay now, or cash on delivery instead', async () => {
    const page = await phone(browser);
    await placeWithAlipay(page, '+8613800138117', `Product ${w.skus.pen}`);
    // Back from the cashier without paying: the order waits for payment, with its deadline.
    await page.goBack();
    const [first] = await ordersOf('+8613800138117');
    await page.waitForURL(new RegExp(`/shop/orders/${first.id}$`));
    await page.locator('[data-testid="order-status"][data-status="pending_payment"]').waitFor();
    await expect(page.getByTestId('payment-deadline').innerText()).resolves.toMatch(
      new RegExp(fill(zh.order.payBy, { left: '(2[0-9]|30|1[0-9]):[0-5][0-9]' })),
    );
    await shot(page, 'shop-pay-now');
    await expectAccessible(page);
    await page.getByTestId('pay-now').click();
    await page.waitForURL((url) => url.href.startsWith(alipay.url));
    await payAtCashier(page);
    await page.locator('[data-testid="order-status"][data-status="confirmed"]').waitFor();

    // Another unpaid order: cash on delivery instead, confirmed at once.
    await placeWithAlipay(page, '+8613800138117', `Product ${w.skus.pen}`, true);
    await page.goBack();
    const second = (await ordersOf('+8613800138117')).find((o) => o.id !== first.id)!;
    await page.waitForURL(new RegExp(`/shop/orders/${second.id}$`));
    await page.getByTestId('choose-cod').click();
    await page.locator('[data-testid="order-status"][data-status="confirmed"]').waitFor();
    const cod = await app.http().get(`/api/orders/${second.id}`).set(auth(w.tokens.callCenter));
    expect(cod.body).toMatchObject({ status: 'confirmed', paymentMethod: 'cod', paymentDueAt: null });
    await page.context().close();
  });

  it('pays with Alipay from a desktop: the page cashier, channel web', async () => {
    const page = await newPage(browser);
    await placeWithAlipay(page, '+8613800138118', `Product ${w.skus.pen}`);
    const [placed] = await ordersOf('+8613800138118');
    expect(placed.channel).toBe('web');
    const trade = [...alipay.trades.values()].find((t) => t.returnUrl?.includes(placed.id))!;
    expect(trade.method).toBe('alipay.trade.page.pay');
    await payAtCashier(page);
    await page.locator('[data-testid="order-status"][data-status="confirmed"]').waitFor();
    await page.context().close();
  });

  it('left the screenshots for the README', () => {
    for (const name of [
      'catalogue',
      'product',
      'cart',
      'checkout',
      'order',
      'orders',
      'desktop',
      'paid',
      'pay-now',
    ]) {
      const file = `${__dirname}/../docs/screenshots/shop-${name}.png`;
      expect(existsSync(file) && statSync(file).size > 10_000).toBe(true);
    }
  });
});
