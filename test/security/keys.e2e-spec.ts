import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { STAFF_PASSWORD } from '@campus/testing';
import { auth, startApp, withAnotherApi } from '../support/app';
import { FulfilmentDriver, newPhone } from '../support/fulfilment';

jest.setTimeout(120_000);

/**
 * Issue 17.1: separate keys per purpose. The token key (JWT_SECRET) signs access tokens and nothing
 * else; one-time codes are keyed from CODES_SECRET. Rotating the token key — another API started on
 * the same database with a new JWT_SECRET — signs everyone out and leaves every texted code working.
 */
describe('rotating the token key (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;

  beforeAll(async () => {
    ({ app, fx } = await startApp({ worker: true }));
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
  });
  afterAll(() => app?.close());

  it("keeps parcels' pickup codes and sign-in codes valid, and revokes the old tokens", async () => {
    const site = await d.site({ agents: 1 });
    const phone = newPhone();
    const placed = await d.place(site.pickupStaff, d.lockerOrder(site, phone, 'counter'));
    expect(placed.status).toBe(201);
    const agent = await d.outForDelivery(placed.body.id, site);
    const dep = await d.post(agent.token, `/api/orders/${placed.body.id}/deposit`, {
      lockerId: site.locker.id,
    });
    expect(dep.status).toBe(200);
    const pickupCode = await d.pickupCode(phone, placed.body.id);
    const otpPhone = newPhone();
    expect(
      (
        await app
          .http()
          .post('/api/auth/otp/request')
          .set('X-Forwarded-For', '100.98.0.1')
          .send({ phone: otpPhone })
      ).status,
    ).toBe(202);
    const otp = await fx.latestCode(otpPhone);
    const clerk = (
      await app.sql<{ username: string }>(
        `SELECT username FROM users WHERE role = 'pickup_staff' AND pickup_point_id = $1`,
        [site.point.id],
      )
    )[0].username;

    const rotated = { ...app.config, jwtSecret: randomBytes(32).toString('hex') };
    expect(rotated.codesSecret).toBe(app.config.codesSecret);
    await withAnotherApi(rotated, async (api) => {
      const http = () => request(api.getHttpServer());
      // Tokens signed with the old key are refused: everyone signs in again.
      expect((await http().get('/api/auth/me').set(auth(site.pickupStaff))).status).toBe(401);
      const login = await http().post('/api/auth/login').send({ username: clerk, password: STAFF_PASSWORD });
      expect(login.status).toBe(200);
      // The parcel's code, texted before the rotation, still opens its compartment.
      const picked = await http()
        .post(`/api/lockers/${site.locker.id}/pickup`)
        .set(auth(login.body.accessToken))
        .send({ code: pickupCode, phone });
      expect(picked.status).toBe(200);
      expect(picked.body.status).toBe('delivered');
      // So does a sign-in code.
      const signedIn = await http()
        .post('/api/auth/otp/verify')
        .set('X-Forwarded-For', '100.98.0.1')
        .send({ phone: otpPhone, code: otp });
      expect(signedIn.status).toBe(200);
    });
  });
});
