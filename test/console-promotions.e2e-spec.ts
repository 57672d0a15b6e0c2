import type { Browser, Page } from 'playwright-core';
import { STAFF_PASSWORD, TEST_ADMIN } from '@campus/testing';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { bundle as adminBundle } from '../apps/console/src/locales/areas/admin';
import { bundle as problemsBundle } from '../apps/console/src/locales/areas/problems';
import { bundle as promotionsBundle } from '../apps/console/src/locales/areas/promotions';
import { zhCN } from '../apps/console/src/locales/zh-CN';
import { auth, startApp } from './support/app';
import { seriousA11yViolations } from './support/axe';
import { ensureConsoleBuilt, launchChromium, listen, newPage, screenshot } from './support/console-browser';

const zh = {
  ...zhCN,
  ...adminBundle['zh-CN'],
  ...problemsBundle['zh-CN'],
  ...promotionsBundle['zh-CN'],
};

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
});
