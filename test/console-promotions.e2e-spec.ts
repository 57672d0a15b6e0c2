import type { Browser, Page } from 'playwright-core';
import { STAFF_PASSWORD, TEST_ADMIN } from '@campus/testing';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { bundle as adminBundle } from '../apps/console/src/locales/areas/desk/admin';
import { bundle as problemsBundle } from '../apps/console/src/locales/areas/problems';
import { bundle as promotionsBundle } from '../apps/console/src/locales/areas/desk/promotions';
import { bundle as shopBundle } from '../apps/console/src/locales/areas/shop';
import { zhCN } from '../apps/console/src/locales/zh-CN';
import { auth, startApp } from './support/app';
import { seriousA11yViolations } from './support/axe';
import { ensureConsoleBuilt, launchChromium, listen, newPage, screenshot } from './support/console-browser';

const zh = {
  ...zhCN,
  ...adminBundle['zh-CN'],
  ...problemsBundle['zh-CN'],
  ...promotionsBundle['zh-CN'],
  ...shopBundle['zh-CN'],
};
const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(values[k]));

/**
 * Promotions in a real Chromium against the real app (issue 20): an admin creates a coupon promotion
 * and issues codes on the promotions tab; a regional manager has the tab for their region; the call
 * centre keys an order with a coupon and reads the discount, and a used-up coupon is shown next to
 * the coupon field in Chinese.
 */
describe('Promotions console in a browser (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    ({ app, fx } = await startApp());
    base = await listen(app);
    w = await fx.world();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function signIn(page: Page, username: string, password = STAFF_PASSWORD): Promise<void> {
    await page.goto(`${base}/sign-in`);
    await page.getByLabel(zh.signIn.username).fill(username);
    await page.getByLabel(zh.signIn.password).fill(password);
    await page.getByLabel(zh.signIn.password).press('Enter');
  }
  const expectAccessible = async (page: Page) => {
    await page.waitForLoadState('networkidle');
    await page.locator('.ant-btn-loading, .ant-spin-spinning').first().waitFor({ state: 'detached' });
    expect(await seriousA11yViolations(page)).toEqual([]);
  };
  /** A datetime-local value (the page runs in Europe/London: UTC in winter). */
  const local = (ms: number) => new Date(Date.now() + ms).toISOString().slice(0, 16);

  it('an admin creates a coupon promotion and issues codes; the screen is accessible', async () => {
    const page = await newPage(browser);
    await signIn(page, TEST_ADMIN.username, TEST_ADMIN.password);
    await page.waitForURL(/\/manager/);
    await page.goto(`${base}/admin/promotions`);
    await page.getByRole('tab', { name: zh.promotions.tab }).waitFor();

    const name = `开学季九折 ${w.suffix}`;
    await page.getByLabel(zh.promotions.name, { exact: true }).first().fill(name);
    await page.getByLabel(zh.promotions.percent).fill('10');
    await page.getByLabel(zh.promotions.skus).fill(w.skus.usb);
    await page.getByLabel(zh.promotions.startsAt).first().fill(local(-3600_000));
    await page.getByLabel(zh.promotions.endsAt).first().fill(local(86_400_000));
    await page.getByLabel(zh.promotions.requiresCoupon).check();
    await page.getByRole('button', { name: zh.promotions.createButton }).click();
    await page.getByText(name, { exact: true }).waitFor();

    await page.getByRole('button', { name: zh.promotions.manageCoupons.replace('{{n}}', '0') }).click();
    await page.getByLabel(zh.promotions.count).fill('3');
    await page.getByRole('button', { name: zh.promotions.issueButton }).click();
    await page.locator('code').nth(2).waitFor();
    const codes = await page.locator('code').allInnerTexts();
    expect(codes).toHaveLength(3);
    for (const c of codes) expect(c).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
    const [promo] = await app.sql<{ id: string; percent_bps: number; requires_coupon: boolean }>(
      `SELECT id, percent_bps, requires_coupon FROM promotions WHERE name = $1`,
      [name],
    );
    expect(promo).toMatchObject({ percent_bps: 1000, requires_coupon: true });
    await expectAccessible(page);
    await screenshot(page, 'admin-promotions');
    await page.context().close();
  });

  it("a regional manager has the tab for their region's promotions and flash sales", async () => {
    await fx.post(w.tokens.managerA, '/api/flash-sales', {
      sku: w.skus.pen,
      priceCents: 300,
      quantity: 10,
      perCustomerLimit: 1,
      startsAt: new Date(Date.now() - 3600_000).toISOString(),
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const page = await newPage(browser);
    await signIn(page, `mgr.a.${w.suffix}`);
    await page.waitForURL(/\/manager/);
    await page.goto(`${base}/admin/promotions`);
    await page.getByRole('heading', { name: zh.promotions.flashSales }).waitFor();
    await page.getByText('¥3.00').first().waitFor();
    await expectAccessible(page);
    await page.context().close();
  });

  it('the call centre keys an order with a coupon; a used-up coupon shows next to its field', async () => {
    const p = await fx.post<{ id: string }>(w.tokens.admin, '/api/promotions', {
      name: 'desk coupon',
      kind: 'amount_off',
      amountCents: 500,
      requiresCoupon: true,
      startsAt: new Date(Date.now() - 3600_000).toISOString(),
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const { codes } = await fx.post<{ codes: string[] }>(
      w.tokens.admin,
      `/api/promotions/${p.id}/coupons`,
      {},
    );
    const page = await newPage(browser);
    await signIn(page, `cc.${w.suffix}`);
    await page.waitForURL(/\/call-centre$/);
    const key = async (phone: string) => {
      await page.getByLabel(zh.form.customerPhone).fill(phone);
      const sku = page.getByLabel(`${zh.form.product} 1`);
      await sku.click();
      await sku.fill(w.skus.usb);
      await page.locator('.ant-select-item-option', { hasText: w.skus.usb }).first().waitFor();
      await sku.press('Enter');
      await page.getByText(zh.form.cod, { exact: true }).click();
      const point = page.getByLabel(zh.form.pickupPoint);
      await point.click();
      await point.fill('Point PA1');
      await point.press('Enter');
      await page.getByLabel(zh.promotions.couponCode).fill(codes[0].toLowerCase());
    };
    await key('13800139001');
    await page.getByTestId('place-order').click();
    await page.getByTestId('order-discount').waitFor();
    await expect(page.getByTestId('order-discount').innerText()).resolves.toContain('¥5.00');
    const [placed] = (
      await app.http().get('/api/orders').query({ phone: '+8613800139001' }).set(auth(w.tokens.callCenter))
    ).body.items;
    expect(placed).toMatchObject({ totalCents: 3400, discountCents: 500, couponCode: codes[0] });

    await page.getByRole('button', { name: zh.form.another }).click();
    await key('13800139002');
    await page.getByTestId('place-order').click();
    await page.getByText(zh.problems.codes.coupon_used.title).first().waitFor();
    await page.getByText(zh.problems.fields.coupon_used, { exact: true }).waitFor();
    await page.context().close();
  });

  it('a student sees a flash-sale price in the shop and uses a coupon at checkout', async () => {
    const admin = w.tokens.admin;
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    const inADay = new Date(Date.now() + 86_400_000).toISOString();
    const lamp = await fx.product(`LAMP-${w.suffix}`, { name: 'Reading lamp', priceCents: 6000, stock: 10 });
    const mug = await fx.product(`MUG-${w.suffix}`, { name: 'Mug', priceCents: 2000, stock: 10 });
    await fx.post(admin, '/api/flash-sales', {
      sku: lamp,
      priceCents: 4500,
      quantity: 5,
      perCustomerLimit: 1,
      startsAt: hourAgo,
      endsAt: inADay,
    });
    const p = await fx.post<{ id: string }>(admin, '/api/promotions', {
      name: '迎新券',
      kind: 'amount_off',
      amountCents: 500,
      requiresCoupon: true,
      skus: [mug],
      startsAt: hourAgo,
      endsAt: inADay,
    });
    const { codes } = await fx.post<{ codes: string[] }>(admin, `/api/promotions/${p.id}/coupons`, {
      code: `WELCOME${w.suffix}`,
    });

    const page = await newPage(browser, {
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    await page.goto(`${base}/shop`);
    await page.getByRole('heading', { name: zh.shop.campus.choose }).waitFor();
    await page.getByRole('button', { name: 'Campus CA1' }).click();
    await page.getByRole('searchbox').fill(`lamp-${w.suffix}`.toLowerCase());
    const price = page.getByTestId(`price-${lamp}`);
    await price.waitFor();
    await expect(price.innerText()).resolves.toMatch(/¥45\.00[\s\S]*¥60\.00[\s\S]*秒杀/);
    await page.getByRole('button', { name: fill(zh.shop.catalogue.add, { name: 'Reading lamp' }) }).click();
    await page.getByRole('searchbox').fill(`mug-${w.suffix}`.toLowerCase());
    await page.getByRole('button', { name: fill(zh.shop.catalogue.add, { name: 'Mug' }) }).click();
    await page.locator('.adm-toast-mask').waitFor({ state: 'detached' });
    await screenshot(page, 'shop-flash-sale');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('navigation').getByText(zh.shop.nav.cart).click();
    await expect(page.getByTestId('cart-total').innerText()).resolves.toBe('¥65.00');
    await page.getByRole('button', { name: zh.shop.cart.checkout }).click();
    const student = '+8613800139301';
    await page.getByLabel(zh.shop.signIn.phone, { exact: true }).fill('13800139301');
    await page.getByRole('button', { name: zh.shop.signIn.sendCode }).click();
    await page.getByText(fill(zh.shop.signIn.sent, { phone: student })).waitFor();
    await page.getByLabel(zh.shop.signIn.code, { exact: true }).fill(await fx.latestCode(student));
    await page.getByRole('button', { name: zh.shop.signIn.submit, exact: true }).click();
    await page.getByTestId(`point-${w.pointA1.code}`).click();

    // A code that does not exist is refused next to the coupon field, in Chinese.
    await page.getByLabel(zh.shop.promotions.couponCode).fill('nosuchcode');
    await page.getByTestId('place-order').click();
    await page.getByText(zh.shop.problems.coupon_invalid).first().waitFor();
    await page.getByLabel(zh.shop.promotions.couponCode).fill(codes[0].toLowerCase());
    await screenshot(page, 'shop-coupon');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByTestId('place-order').click();

    await page.getByRole('heading', { name: zh.shop.order.placed }).waitFor();
    const discount = page.getByTestId('order-discount');
    await expect(discount.innerText()).resolves.toMatch(/¥20\.00/); // 15.00 flash sale + 5.00 coupon
    await expect(discount.innerText()).resolves.toContain(codes[0]);
    const [order] = (await app.http().get('/api/orders').query({ phone: student }).set(auth(w.tokens.admin)))
      .body.items;
    expect(order).toMatchObject({
      channel: 'wap',
      subtotalCents: 8000,
      discountCents: 2000,
      totalCents: 6000,
    });
    expect(order.couponCode).toBe(codes[0]);
    const lampLine = order.lines.find((l: { sku: string }) => l.sku === lamp);
    expect(lampLine).toMatchObject({ listPriceCents: 6000, unitPriceCents: 4500, lineTotalCents: 4500 });
    await screenshot(page, 'shop-order-discount');
    await page.context().close();
  });
});
