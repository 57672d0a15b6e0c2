import { randomUUID } from 'node:crypto';
import { toE164 } from '@campus/core';
import { logTransportText, unsealText } from '@campus/notifications';
import type { TestApp } from './test-app';
import { TEST_ADMIN } from './test-app';

let addressSeq = 0;

/** A distinct client address (100.64.0.0/10, shared address space) for fixture requests. */
export function fixtureAddress(): string {
  addressSeq++;
  return `100.64.${Math.floor(addressSeq / 250) % 250}.${(addressSeq % 250) + 1}`;
}

export const STAFF_PASSWORD = 'staff-password-1';

export interface Ref {
  id: string;
  code: string;
}

export interface AgentRef {
  id: string;
  userId: string;
  campusId: string;
  referralCode: string;
  token: string;
}

/**
 * A known world, built through the API as an operator would: two regions, three campuses, pickup
 * points with a locker, products, and one signed-in account of every role.
 */
export interface World {
  suffix: string;
  regionA: Ref;
  regionB: Ref;
  campusA1: Ref;
  campusA2: Ref;
  campusB1: Ref;
  pointA1: Ref;
  shopA1: Ref;
  pointB1: Ref;
  lockerA1: { id: string; code: string };
  tokens: {
    admin: string;
    managerA: string;
    managerB: string;
    callCenter: string;
    pickupA1: string;
    pickupB1: string;
  };
  agentA1: AgentRef;
  agentA1b: AgentRef;
  agentB1: AgentRef;
  skus: { usb: string; pen: string; router: string };
}

let seq = 0;

function expectStatus(res: { status: number; body: unknown }, status: number, what: string): void {
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
}

export class Fixtures {
  private adminToken?: string;

  constructor(readonly app: TestApp) {}

  async login(username: string, password = STAFF_PASSWORD): Promise<string> {
    const res = await this.app.http().post('/api/auth/login').send({ username, password });
    expectStatus(res, 200, `login ${username}`);
    return res.body.accessToken as string;
  }

  async admin(): Promise<string> {
    this.adminToken ??= await this.login(TEST_ADMIN.username, TEST_ADMIN.password);
    return this.adminToken;
  }

  async post<T = Record<string, unknown>>(
    token: string,
    path: string,
    body: unknown,
    status = 201,
  ): Promise<T> {
    const res = await this.app
      .http()
      .post(path)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);
    expectStatus(res, status, `POST ${path}`);
    return res.body as T;
  }

  async product(
    sku: string,
    opts: {
      priceCents?: number;
      stock?: number;
      lowStockThreshold?: number;
      requiresInstallation?: boolean;
      installFeeCents?: number;
      category?: string;
      name?: string;
    } = {},
  ): Promise<string> {
    sku = sku.toUpperCase();
    await this.post(await this.admin(), '/api/products', {
      sku,
      name: opts.name ?? `Product ${sku}`,
      category: opts.category ?? 'accessories',
      priceCents: opts.priceCents ?? 1000,
      stock: opts.stock ?? 100,
      lowStockThreshold: opts.lowStockThreshold ?? 0,
      requiresInstallation: opts.requiresInstallation ?? false,
      installFeeCents: opts.installFeeCents ?? 0,
    });
    return sku;
  }

  async user(body: Record<string, unknown>, token?: string): Promise<{ id: string; token: string }> {
    const created = await this.post<{ id: string }>(token ?? (await this.admin()), '/api/users', {
      password: STAFF_PASSWORD,
      ...body,
    });
    return { id: created.id, token: await this.login(body.username as string) };
  }

  async agent(campusId: string, name: string): Promise<AgentRef> {
    const username = `${name}.${seq++}.${randomUUID().slice(0, 4)}`;
    const a = await this.post<{ id: string; userId: string; campusId: string; referralCode: string }>(
      await this.admin(),
      '/api/agents',
      {
        username,
        password: STAFF_PASSWORD,
        displayName: name,
        phone: `+86139${String(10_000_000 + seq).slice(-8)}`,
        campusId,
      },
    );
    return { ...a, token: await this.login(username) };
  }

  /** Signs a customer in through the real OTP flow, reading the code the customer's phone received. */
  async customer(phone: string): Promise<{ id: string; phone: string; token: string }> {
    // Each sign-in comes from its own address, so fixtures never trip the per-address limits.
    const ip = fixtureAddress();
    const req = await this.app
      .http()
      .post('/api/auth/otp/request')
      .set('X-Forwarded-For', ip)
      .send({ phone });
    expectStatus(req, 202, 'otp request');
    const code = await this.latestCode(phone);
    const res = await this.app
      .http()
      .post('/api/auth/otp/verify')
      .set('X-Forwarded-For', ip)
      .send({ phone, code });
    expectStatus(res, 200, 'otp verify');
    return { id: res.body.customer.id, phone: res.body.customer.phone, token: res.body.accessToken };
  }

  /** The sign-in code last texted to `phone` (any common form), as the customer's phone shows it. */
  async latestCode(phone: string): Promise<string> {
    const [text] = await this.codeTexts(phone, 'otp');
    const code = text?.text.match(/(?<!\d)\d{6}(?!\d)/)?.[0];
    if (!code) throw new Error(`no code texted to ${phone}`);
    return code;
  }

  /** The install/repair confirmation code last texted to `phone`. */
  async taskCode(phone: string): Promise<string> {
    const [text] = await this.codeTexts(phone, 'task_code');
    const code = text?.text.match(/(?<!\d)\d{6}(?!\d)/)?.[0];
    if (!code) throw new Error(`no task code texted to ${phone}`);
    return code;
  }

  /**
   * Texts of `template` sent to `phone`, newest first, with their codes as the recipient's phone
   * shows them. The message log (GET /api/notifications) masks one-time codes, so this reads what only
   * the sender sees: the sealed copy of a text still waiting (opened with the test's CODES_SECRET,
   * which this process knows), or, once it went out, what the log transport delivered in this process.
   */
  async codeTexts(
    phone: string,
    template: string,
  ): Promise<{ id: string; text: string; orderId: string | null; status: string }[]> {
    const rows = await this.app.sql<{
      id: string;
      body: string;
      sealed_body: string | null;
      order_id: string | null;
      status: string;
    }>(
      `SELECT id, body, sealed_body, order_id, status FROM notifications WHERE to_phone = $1 AND template = $2
        ORDER BY created_at DESC, id DESC`,
      [toE164(phone) ?? phone, template],
    );
    return rows.map((r) => ({
      id: r.id,
      orderId: r.order_id,
      status: r.status,
      text: r.sealed_body
        ? unsealText(this.app.config, r.id, r.sealed_body)
        : (logTransportText(r.id) ?? r.body),
    }));
  }

  async world(): Promise<World> {
    const s = `${seq++}${randomUUID().slice(0, 4)}`.toUpperCase();
    const admin = await this.admin();
    const region = (code: string) =>
      this.post<Ref>(admin, '/api/regions', { code: `${code}${s}`, name: `Region ${code}` });
    const regionA = await region('RA');
    const regionB = await region('RB');
    const campus = (code: string, regionId: string) =>
      this.post<Ref>(admin, '/api/campuses', { code: `${code}${s}`, name: `Campus ${code}`, regionId });
    const campusA1 = await campus('CA1', regionA.id);
    const campusA2 = await campus('CA2', regionA.id);
    const campusB1 = await campus('CB1', regionB.id);
    const point = (code: string, campusId: string) =>
      this.post<Ref>(admin, '/api/pickup-points', { code: `${code}${s}`, name: `Point ${code}`, campusId });
    const pointA1 = await point('PA1', campusA1.id);
    const shopA1 = await point('SA1', campusA1.id);
    const pointB1 = await point('PB1', campusB1.id);
    const lockerA1 = await this.post<{ id: string; code: string }>(admin, '/api/lockers', {
      code: `LA1${s}`,
      pickupPointId: pointA1.id,
      compartments: { S: 4, M: 2, L: 1 },
    });
    const managerA = await this.user({
      username: `mgr.a.${s}`,
      role: 'regional_manager',
      regionId: regionA.id,
    });
    const managerB = await this.user({
      username: `mgr.b.${s}`,
      role: 'regional_manager',
      regionId: regionB.id,
    });
    const callCenter = await this.user({ username: `cc.${s}`, role: 'call_center' });
    const pickupA1 = await this.user({
      username: `pick.a1.${s}`,
      role: 'pickup_staff',
      pickupPointId: shopA1.id,
    });
    const pickupB1 = await this.user({
      username: `pick.b1.${s}`,
      role: 'pickup_staff',
      pickupPointId: pointB1.id,
    });
    const agentA1 = await this.agent(campusA1.id, 'agent-a1');
    const agentA1b = await this.agent(campusA1.id, 'agent-a1b');
    const agentB1 = await this.agent(campusB1.id, 'agent-b1');
    const skus = {
      usb: await this.product(`USB-${s}`, { priceCents: 3900, stock: 100 }),
      pen: await this.product(`PEN-${s}`, { priceCents: 500, stock: 100 }),
      router: await this.product(`ROUTER-${s}`, {
        priceCents: 29900,
        stock: 20,
        requiresInstallation: true,
        installFeeCents: 3000,
        category: 'network',
      }),
    };
    return {
      suffix: s,
      regionA,
      regionB,
      campusA1,
      campusA2,
      campusB1,
      pointA1,
      shopA1,
      pointB1,
      lockerA1,
      tokens: {
        admin,
        managerA: managerA.token,
        managerB: managerB.token,
        callCenter: callCenter.token,
        pickupA1: pickupA1.token,
        pickupB1: pickupB1.token,
      },
      agentA1,
      agentA1b,
      agentB1,
      skus,
    };
  }
}

/** A phone-channel order body for the call centre. */
export function phoneOrder(
  w: World,
  overrides: Partial<{
    sku: string;
    quantity: number;
    phone: string;
    paymentMethod: string;
    agentCode: string;
  }> = {},
): Record<string, unknown> {
  return {
    customer: { phone: overrides.phone ?? '+8613800138000', name: 'Li Lei' },
    lines: [{ sku: overrides.sku ?? w.skus.usb, quantity: overrides.quantity ?? 1 }],
    fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
    paymentMethod: overrides.paymentMethod ?? 'cod',
    ...(overrides.agentCode ? { agentCode: overrides.agentCode } : {}),
  };
}
