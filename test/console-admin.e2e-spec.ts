import type { Browser, Page } from 'playwright-core';
import { STAFF_PASSWORD, TEST_ADMIN } from '@campus/testing';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { bundle as adminBundle } from '../apps/console/src/locales/areas/desk/admin';
import { bundle as problemsBundle } from '../apps/console/src/locales/areas/problems';
import { zhCN } from '../apps/console/src/locales/zh-CN';
import { auth, startApp } from './support/app';
import { seriousA11yViolations } from './support/axe';
import { ensureConsoleBuilt, launchChromium, listen, newPage, screenshot } from './support/console-browser';

const zh = { ...zhCN, ...adminBundle['zh-CN'], ...problemsBundle['zh-CN'] };

/**
 * The admin console in a real Chromium against the real app (issue 15 items 4–8): an admin creates a
 * product, adjusts its stock and reads the movement and the audit row; resets a password and the user
 * is forced to change it at the next sign-in; opens the queue dashboard; a zh-CN operator reads a
 * server problem in Chinese; and the admin, manager, call-centre, pickup and sign-in screens have no
 * serious or critical axe-core violation.
 */
describe('Admin console in a browser (e2e)', () => {
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

  /** Scans the screen once it has settled (no request, spinner or loading button in flight). */
  const expectAccessible = async (page: Page) => {
    await page.waitForLoadState('networkidle');
    await page.locator('.ant-btn-loading, .ant-spin-spinning').first().waitFor({ state: 'detached' });
    expect(await seriousA11yViolations(page)).toEqual([]);
  };

  it('the sign-in screen is accessible', async () => {
    const page = await newPage(browser);
    await page.goto(`${base}/sign-in`);
    await page.getByLabel(zh.signIn.username).waitFor();
    await expectAccessible(page);
    await page.context().close();
  });

  it('an admin creates a product, adjusts its stock, and sees the movement and the audit row', async () => {
    const page = await newPage(browser);
    await signIn(page, TEST_ADMIN.username, TEST_ADMIN.password);
    await page.waitForURL(/\/manager/);
    await page.getByRole('link', { name: zh.admin.title }).click();
    await page.waitForURL(/\/admin/);
    await page.getByRole('tab', { name: zh.admin.tabs.products }).waitFor();

    const sku = `LAMP-${w.suffix}`;
    await page.getByLabel(zh.admin.product.sku, { exact: true }).fill(sku);
    await page.getByLabel(zh.admin.product.name, { exact: true }).fill('台灯');
    await page.getByLabel(zh.admin.product.category, { exact: true }).fill('home');
    await page.getByLabel(zh.admin.product.price).fill('49.90');
    await page.getByLabel(zh.admin.product.initialStock).fill('5');
    await page.getByTestId('create-product').click();
    await page.getByText(`已创建商品 ${sku}`).waitFor();
    await expectAccessible(page);

    await page.getByRole('button', { name: `${zh.admin.product.edit} ${sku}` }).click();
    await page.getByLabel(zh.admin.product.delta).fill('12');
    await page.getByLabel(zh.admin.product.reason).fill('供应商到货');
    await page.getByTestId('adjust-stock').click();
    await page.getByText(`${sku} 现在库 17`).waitFor();
    const movements = page.getByTestId('movements');
    await movements.getByText('供应商到货').waitFor();
    await expect(movements.innerText()).resolves.toMatch(/调整[\s\S]*\+12[\s\S]*初始[\s\S]*5/);
    await screenshot(page, 'admin-products');

    await page.getByRole('tab', { name: zh.admin.tabs.audit }).click();
    await page.getByLabel(zh.admin.audit.entity).fill(sku);
    await page.getByLabel(zh.admin.audit.entity).press('Enter');
    const audit = page.getByTestId('audit');
    await audit.getByText('product.stock_adjust').waitFor();
    await expect(audit.innerText()).resolves.toMatch(
      /product\.stock_adjust[^\n]*onHand: 5 → delta: 12, onHand: 17, reason: 供应商到货/,
    );
    await expectAccessible(page);
    await screenshot(page, 'admin-audit');

    const rows = await app.sql<{ action: string }>(
      `SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`,
      [sku],
    );
    expect(rows.map((r) => r.action)).toEqual(['product.create', 'product.stock_adjust']);
    await page.context().close();
  });

  it('a zh-CN operator reads a server problem in Chinese, next to the field it names', async () => {
    const page = await newPage(browser);
    await signIn(page, TEST_ADMIN.username, TEST_ADMIN.password);
    await page.waitForURL(/\/manager/);
    await page.goto(`${base}/admin/products`);
    // A SKU that exists: the API answers 409 "sku_taken" in English.
    await page.getByLabel(zh.admin.product.sku, { exact: true }).fill(w.skus.usb);
    await page.getByLabel(zh.admin.product.name, { exact: true }).fill('U 盘');
    await page.getByLabel(zh.admin.product.category, { exact: true }).fill('storage');
    await page.getByLabel(zh.admin.product.price).fill('39');
    await page.getByTestId('create-product').click();
    const problem = page.getByTestId('problem');
    await problem.getByText(zh.problems.codes.sku_taken.title).waitFor();
    await expect(problem.innerText()).resolves.not.toMatch(/already|exists/i);

    // A field error (the phone of a new account) in Chinese, next to its field.
    await page.goto(`${base}/admin/users`);
    await page
      .getByLabel(zh.admin.users.username, { exact: true })
      .first()
      .fill(`zh.${w.suffix}`.toLowerCase());
    await page.getByLabel(zh.admin.users.password, { exact: true }).fill('qwertyuiop');
    await page.getByLabel(zh.admin.users.role, { exact: true }).click();
    await page.locator('.ant-select-item-option', { hasText: zh.admin.users.roles.call_center }).click();
    await page.getByLabel(zh.admin.users.phone, { exact: true }).fill('12');
    await page.getByRole('button', { name: zh.admin.users.create }).click();
    await page.getByText(zh.problems.codes.validation_failed.title).waitFor();
    await page.getByText(zh.problems.fields.isPhone).waitFor();
    await page.context().close();
  });

  it('an admin resets a password; the user must change it at the next sign-in, then works normally', async () => {
    const username = `cc.${w.suffix}`.toLowerCase();
    const admin = await newPage(browser);
    await signIn(admin, TEST_ADMIN.username, TEST_ADMIN.password);
    await admin.waitForURL(/\/manager/);
    await admin.goto(`${base}/admin/users`);
    await admin.getByRole('button', { name: `${zh.admin.users.reset} ${username}` }).click();
    const temporary = (await admin.getByTestId('temporary-password').innerText()).trim();
    expect(temporary).toMatch(/^[A-Za-z2-9]{14}$/);
    await expectAccessible(admin);
    await screenshot(admin, 'admin-users');
    await admin.context().close();

    const page = await newPage(browser);
    await signIn(page, username, temporary);
    await page.waitForURL(/\/change-password$/);
    await page.getByText(zh.password.forced).waitFor();
    // Every other screen sends them back here.
    await page.goto(`${base}/call-centre`);
    await page.waitForURL(/\/change-password$/);
    await page.getByLabel(zh.password.current).fill(temporary);
    await page.getByLabel(zh.password.next, { exact: true }).fill('phone-desk-2026');
    await page.getByLabel(zh.password.confirm).fill('phone-desk-2026');
    await expectAccessible(page);
    await screenshot(page, 'admin-change-password');
    await page.getByTestId('change-password').click();
    await page.waitForURL(/\/call-centre$/);
    await page.getByLabel(zh.callCentre.phone).waitFor();
    await expectAccessible(page);
    await page.context().close();

    const login = await app.http().post('/api/auth/login').send({ username, password: 'phone-desk-2026' });
    expect(login.body.user.mustChangePassword).toBe(false);
    expect((await app.http().get('/api/orders').set(auth(login.body.accessToken))).status).toBe(200);
  });

  it('/admin/queues refuses anonymous and non-admin visitors and serves the board to an admin', async () => {
    const anonymous = await newPage(browser);
    expect((await anonymous.goto(`${base}/admin/queues`))!.status()).toBe(401);
    await anonymous.context().close();

    const manager = await newPage(browser);
    await signIn(manager, `mgr.a.${w.suffix}`.toLowerCase());
    await manager.waitForURL(/\/manager/);
    await manager.goto(`${base}/admin`);
    await expect(manager.getByRole('tab', { name: zh.admin.tabs.queues }).count()).resolves.toBe(0);
    expect((await manager.goto(`${base}/admin/queues`))!.status()).toBe(401);
    await manager.context().close();

    const page = await newPage(browser);
    await signIn(page, TEST_ADMIN.username, TEST_ADMIN.password);
    await page.waitForURL(/\/manager/);
    expect((await page.goto(`${base}/admin/queues`))!.status()).toBe(401);
    await page.goto(`${base}/admin/messages`);
    await page.getByRole('tab', { name: zh.admin.tabs.queues }).click();
    const [board] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByTestId('open-queues').click(),
    ]);
    await board.waitForLoadState();
    await board.getByText('notifications').first().waitFor({ timeout: 30_000 });
    await screenshot(board, 'admin-queues');
    await page.context().close();
  });

  it('the manager’s tabs, the admin sections, the call centre and the pickup desk are accessible', async () => {
    const manager = await newPage(browser);
    await signIn(manager, `mgr.a.${w.suffix}`.toLowerCase());
    await manager.waitForURL(/\/manager/);
    for (const tab of [
      zhCN.manager.unassigned,
      zhCN.manager.agents,
      zhCN.manager.overdue,
      zhCN.settlement.tab,
      zhCN.reports.tab,
    ]) {
      await manager.getByRole('tab', { name: tab }).click();
      await manager.waitForTimeout(300);
      await expectAccessible(manager);
    }
    for (const section of ['network', 'users', 'commissions', 'audit']) {
      await manager.goto(`${base}/admin/${section}`);
      await manager.getByRole('tab', { name: zh.admin.tabs[section as 'network'] }).waitFor();
      await manager.waitForTimeout(300);
      await expectAccessible(manager);
    }
    await screenshot(manager, 'admin-manager-audit');
    await manager.context().close();

    const admin = await newPage(browser);
    await signIn(admin, TEST_ADMIN.username, TEST_ADMIN.password);
    await admin.waitForURL(/\/manager/);
    // The console's queue tab is /admin/jobs: /admin/queues is the board the server mounts itself.
    const tabs = {
      network: 'network',
      commissions: 'commissions',
      settlements: 'settlements',
      messages: 'messages',
      jobs: 'queues',
    } as const;
    for (const [section, label] of Object.entries(tabs)) {
      await admin.goto(`${base}/admin/${section}`);
      await admin.getByRole('tab', { name: zh.admin.tabs[label] }).waitFor();
      await admin.waitForTimeout(300);
      await expectAccessible(admin);
      if (section === 'network' || section === 'messages') await screenshot(admin, `admin-${section}`);
    }
    await admin.context().close();

    const cc = await newPage(browser);
    await signIn(cc, `cc.${w.suffix}`.toLowerCase(), 'phone-desk-2026');
    await cc.waitForURL(/\/call-centre$/);
    await cc.getByLabel(zhCN.callCentre.phone).waitFor();
    await expectAccessible(cc);
    await cc.context().close();

    const pickup = await newPage(browser);
    await signIn(pickup, `pick.a1.${w.suffix}`.toLowerCase());
    await pickup.waitForURL(/\/pickup$/);
    await pickup.waitForTimeout(500);
    await expectAccessible(pickup);
    await pickup.context().close();

    // The customer's "my orders", with a session as the texted-code sign-in leaves it.
    const customer = await fx.customer('+8613800138456');
    const shopper = await newPage(browser);
    await shopper.addInitScript(
      `window.sessionStorage.setItem('campus.session', ${JSON.stringify(
        JSON.stringify({ token: customer.token, kind: 'customer', role: 'customer', name: customer.phone }),
      )})`,
    );
    await shopper.goto(`${base}/my-orders`);
    await shopper.getByTestId('signed-in-as').waitFor();
    await shopper.waitForTimeout(500);
    await expectAccessible(shopper);
    await shopper.context().close();
  }, 240_000);
});
