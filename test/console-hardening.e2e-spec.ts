import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { eventually, STAFF_PASSWORD, TestClock } from '@campus/testing';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { bundle as attemptsBundle } from '../apps/console/src/locales/areas/desk/attempts';
import { zhCN as zh } from '../apps/console/src/locales/zh-CN';
import { auth, startApp } from './support/app';
import { seriousA11yViolations } from './support/axe';
import { ensureConsoleBuilt, launchChromium, listen, newPage, screenshot } from './support/console-browser';

// A browser, the API and the worker on a 2-core machine shared with others: honest time-outs.
jest.setTimeout(150_000);

const a = attemptsBundle['zh-CN'].attempts;
const PHONE_VIEW = {
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

/**
 * Issue 17.4 in the console: on a 375 px phone an agent records that the customer could not be
 * reached, twice, then cancels the COD order (its stock goes back); a regional manager reads the list of
 * COD orders still unclaimed after COD_CONFIRM_HOURS. Both screens pass axe-core (no serious finding).
 */
describe('Console: COD orders nobody receives (e2e)', () => {
  const clock = new TestClock();
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let base: string;
  let browser: Browser;
  const s = randomUUID().slice(0, 6);
  let agent: { id: string; username: string; token: string };
  let campusId: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    ({ app, fx } = await startApp({ worker: true, clock }));
    base = await listen(app);
    w = await fx.world();
    const campus = await fx.post<{ id: string }>(w.tokens.admin, '/api/campuses', {
      code: `HC${s}`,
      name: 'Campus Hardening',
      regionId: w.regionA.id,
    });
    const username = `agent.hard.${s}`;
    const created = await fx.post<{ id: string }>(w.tokens.admin, '/api/agents', {
      username,
      password: STAFF_PASSWORD,
      displayName: 'Sun Li',
      phone: '+8613900139088',
      campusId: campus.id,
    });
    agent = { ...created, username, token: await fx.login(username) };
    campusId = campus.id;
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

  const order = async (phone: string) => {
    const res = await app
      .http()
      .post('/api/orders')
      .set(auth(w.tokens.callCenter))
      .set('Idempotency-Key', randomUUID())
      .send({
        customer: { phone, name: 'Han Meimei' },
        lines: [{ sku: w.skus.usb, quantity: 1 }],
        fulfillment: {
          type: 'delivery',
          campusId,
          address: 'Dorm 8, room 404',
        },
        paymentMethod: 'cod',
      });
    expect(res.status).toBe(201);
    return res.body as { id: string; number: string };
  };
  const stock = async () =>
    (
      (await app.http().get(`/api/products/${w.skus.usb}`).set(auth(w.tokens.admin))).body.stock as {
        reserved: number;
      }
    ).reserved;

  it('an agent at 375 px records two failed attempts and cancels the COD order; its stock comes back', async () => {
    const placed = await order('+8613700137001');
    // The worker assigns it to the campus's only agent; the agent takes it out.
    await eventually(async () => {
      const o = await app.http().get(`/api/orders/${placed.id}`).set(auth(w.tokens.admin));
      return o.body.assignedAgentId === agent.id;
    }, 30_000);
    expect((await app.http().post(`/api/orders/${placed.id}/dispatch`).set(auth(agent.token))).status).toBe(
      200,
    );
    const reservedBefore = await stock();

    const page = await newPage(browser, PHONE_VIEW);
    await signIn(page, agent.username);
    await page.waitForURL(/\/agent$/);
    await page.getByRole('tab', { name: new RegExp(zh.agent.out) }).click();
    const card = page.locator('.adm-card', { hasText: placed.number }).first();
    await card.getByTestId('not-delivered').click();
    await page.getByText(a.reasons.unreachable).click();
    await page.getByLabel(a.note).fill('打了两次电话，无人接听');
    await page.getByTestId('record-attempt').click();
    await page.getByTestId('attempt-count').getByText(a.count.replace('{{n}}', '1')).waitFor();
    expect(await page.getByTestId('cancel-undeliverable').count()).toBe(0);
    await page.getByTestId('record-attempt').click();
    await page.getByTestId('attempt-count').getByText(a.count.replace('{{n}}', '2')).waitFor();
    await page.getByLabel(a.cancelReason).fill('两次上门均联系不上客户');
    expect(await seriousA11yViolations(page, '.adm-popup-body')).toEqual([]);
    await screenshot(page, 'agent-not-delivered');
    await page.getByTestId('cancel-undeliverable').click();
    await page.getByText(a.cancelled.replace('{{number}}', placed.number)).waitFor();

    const after = await app.http().get(`/api/orders/${placed.id}`).set(auth(w.tokens.admin));
    expect(after.body.status).toBe('cancelled');
    expect(await stock()).toBe(reservedBefore - 1);
    await page.context().close();
  });

  it('a regional manager reads the COD orders still unclaimed after COD_CONFIRM_HOURS', async () => {
    // No agent on this campus takes it: the order waits, then grows old.
    expect(
      (
        await app
          .http()
          .patch(`/api/agents/${agent.id}`)
          .set(auth(w.tokens.admin))
          .send({ status: 'suspended' })
      ).status,
    ).toBe(200);
    const waiting = await order('+8613700137002');
    clock.advance(25 * 3_600_000);

    const page = await newPage(browser);
    await signIn(page, `mgr.a.${w.suffix}`);
    await page.waitForURL(/\/manager$/);
    await page.getByRole('tab', { name: a.unclaimedTab }).click();
    const row = page.getByTestId('unclaimed-cod').locator('tr', { hasText: waiting.number });
    await row.waitFor();
    await expect(row.innerText()).resolves.toContain('25');
    expect(await seriousA11yViolations(page, '[data-testid="unclaimed-cod"]')).toEqual([]);
    await screenshot(page, 'manager-unclaimed-cod');
    await page.context().close();
  });
});
