import { randomUUID } from 'node:crypto';
import { Fixtures, STAFF_PASSWORD, TestApp, World } from '@campus/testing';
import { auth, startApp } from './support/app';

/** PATCH /api/users/:id {active}: switching a staff account off (someone leaves) and back on. */
describe('staff accounts: switch off and on (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  beforeAll(async () => {
    ({ app, fx } = await startApp({ worker: true }));
    w = await fx.world();
  });
  afterAll(() => app?.close());

  const patch = (token: string, id: string, body: object) =>
    app.http().patch(`/api/users/${id}`).set(auth(token)).send(body);
  const login = (username: string) =>
    app.http().post('/api/auth/login').send({ username, password: STAFF_PASSWORD });
  const me = (token: string) => app.http().get('/api/auth/me').set(auth(token));

  it('off: sign-in refused and existing tokens stop working at once; on: signs in again', async () => {
    const username = `cc.${randomUUID().slice(0, 8)}`;
    const cc = await fx.user({ username, role: 'call_center' });
    expect((await me(cc.token)).status).toBe(200);

    const off = await patch(w.tokens.admin, cc.id, { active: false });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ id: cc.id, username, role: 'call_center', active: false });
    expect((await me(cc.token)).status).toBe(401);
    expect((await login(username)).status).toBe(401);
    expect((await app.http().get('/api/orders').set(auth(cc.token))).status).toBe(401);

    const on = await patch(w.tokens.admin, cc.id, { active: true });
    expect(on.status).toBe(200);
    expect(on.body.active).toBe(true);
    expect((await login(username)).status).toBe(200);
  });

  it('an agent switched off by their manager is also suspended (gets nothing new); back on stays suspended', async () => {
    const agent = await fx.agent(w.campusA1.id, 'leaving');
    const off = await patch(w.tokens.managerA, agent.id, { active: false });
    expect(off.status).toBe(200);
    expect((await me(agent.token)).status).toBe(401);
    const view = await app.http().get(`/api/agents/${agent.id}`).set(auth(w.tokens.managerA));
    expect(view.body.status).toBe('suspended');

    expect((await patch(w.tokens.managerA, agent.id, { active: true })).status).toBe(200);
    const again = await app.http().get(`/api/agents/${agent.id}`).set(auth(w.tokens.managerA));
    expect(again.body.status).toBe('suspended');
  });

  it('scoping: a manager reaches only the agents and pickup staff of their region (404 otherwise)', async () => {
    const agentA = await fx.agent(w.campusA1.id, 'scoped');
    expect((await patch(w.tokens.managerB, agentA.id, { active: false })).status).toBe(404);
    const cc = await fx.user({ username: `cc.${randomUUID().slice(0, 8)}`, role: 'call_center' });
    expect((await patch(w.tokens.managerA, cc.id, { active: false })).status).toBe(404);
    const managerMe = await me(w.tokens.managerB);
    expect((await patch(w.tokens.managerA, managerMe.body.id, { active: false })).status).toBe(404);
    expect((await patch(w.tokens.managerA, randomUUID(), { active: false })).status).toBe(404);
    // still active: the refused calls changed nothing
    expect((await me(agentA.token)).status).toBe(200);
    expect((await me(cc.token)).status).toBe(200);
    expect((await patch(w.tokens.callCenter, agentA.id, { active: false })).status).toBe(403);
  });

  it('nobody switches off their own account; the body is validated', async () => {
    const admin = await me(w.tokens.admin);
    const self = await patch(w.tokens.admin, admin.body.id, { active: false });
    expect(self.status).toBe(422);
    expect(self.body.code).toBe('cannot_deactivate_self');
    expect((await me(w.tokens.admin)).status).toBe(200);

    const bad = await patch(w.tokens.admin, admin.body.id, { active: 'no' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'active' })]);
    expect((await patch(w.tokens.admin, 'not-a-uuid', { active: true })).status).toBe(400);
  });
});
