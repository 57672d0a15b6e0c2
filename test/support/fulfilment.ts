import { randomUUID } from 'node:crypto';
import type { AgentRef, Fixtures, Ref, TestApp, World } from '@campus/testing';
import { eventually } from '@campus/testing';
import { auth } from './app';

export interface OrderBody {
  customer?: { phone: string; name?: string };
  lines: { sku: string; quantity: number }[];
  fulfillment: { type: string; pickupPointId?: string; campusId?: string; address?: string };
  paymentMethod: string;
  agentCode?: string;
}

export interface Site {
  campus: Ref;
  point: Ref;
  locker: { id: string; code: string; compartments: { id: string; label: string; size: string }[] };
  agents: AgentRef[];
  pickupStaff: string;
}

let seq = 0;

/** Arranges and drives fulfilment through the API, the way staff would. */
export class FulfilmentDriver {
  constructor(
    readonly app: TestApp,
    readonly fx: Fixtures,
    readonly w: World,
  ) {}

  /** A fresh campus in region A with a pickup point, a locker, `agents` agents and a pickup clerk. */
  async site(opts: { agents?: number; compartments?: Record<string, number> } = {}): Promise<Site> {
    const admin = this.w.tokens.admin;
    const s = `${seq++}${randomUUID().slice(0, 4)}`.toUpperCase();
    const campus = await this.fx.post<Ref>(admin, '/api/campuses', {
      code: `FC${s}`,
      name: `Campus ${s}`,
      regionId: this.w.regionA.id,
    });
    const point = await this.fx.post<Ref>(admin, '/api/pickup-points', {
      code: `FP${s}`,
      name: `Lobby ${s}`,
      campusId: campus.id,
    });
    const locker = await this.fx.post<Site['locker']>(admin, '/api/lockers', {
      code: `FL${s}`,
      pickupPointId: point.id,
      compartments: opts.compartments ?? { S: 2, M: 1, L: 1 },
    });
    const agents: AgentRef[] = [];
    for (let i = 0; i < (opts.agents ?? 1); i++) agents.push(await this.fx.agent(campus.id, `fa${s}${i}`));
    const clerk = await this.fx.user({
      username: `clerk.${s}`,
      role: 'pickup_staff',
      pickupPointId: point.id,
    });
    return { campus, point, locker, agents, pickupStaff: clerk.token };
  }

  place(token: string, body: OrderBody) {
    return this.app
      .http()
      .post('/api/orders')
      .set(auth(token))
      .set('Idempotency-Key', randomUUID())
      .send(body);
  }

  /** Places an order as the call centre and returns its id (201 expected). */
  async order(body: OrderBody): Promise<{ id: string; number: string; totalCents: number }> {
    const res = await this.place(this.w.tokens.callCenter, body);
    if (res.status !== 201) throw new Error(`place: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  lockerOrder(site: Site, phone: string, paymentMethod = 'cod', sku = this.w.skus.usb): OrderBody {
    return {
      customer: { phone, name: 'Han Meimei' },
      lines: [{ sku, quantity: 1 }],
      fulfillment: { type: 'locker', pickupPointId: site.point.id },
      paymentMethod,
    };
  }

  doorOrder(campusId: string, phone: string, sku = this.w.skus.usb): OrderBody {
    return {
      customer: { phone, name: 'Li Lei' },
      lines: [{ sku, quantity: 2 }],
      fulfillment: { type: 'delivery', campusId, address: 'Dorm 5, room 302' },
      paymentMethod: 'cod',
    };
  }

  async get(orderId: string, token = this.w.tokens.admin) {
    const res = await this.app.http().get(`/api/orders/${orderId}`).set(auth(token));
    return res.body as {
      id: string;
      status: string;
      assignedAgentId: string | null;
      totalCents: number;
      paidAt: string | null;
    };
  }

  /** Waits for the worker to assign the order; returns the agent id. */
  async assigned(orderId: string): Promise<string> {
    return eventually(async () => {
      const o = await this.get(orderId);
      return o.status === 'assigned' ? o.assignedAgentId : null;
    });
  }

  /** Waits for the automatic completion of a delivered order with nothing pending (tasks, issue 6). */
  async completed(orderId: string): Promise<void> {
    await eventually(async () => (await this.get(orderId)).status === 'completed');
  }

  /** The order's own events (without the texts sent about it: those arrive at the worker's pace). */
  async events(orderId: string) {
    const res = await this.app
      .http()
      .get(`/api/orders/${orderId}/events`)
      .query({ texts: false })
      .set(auth(this.w.tokens.admin));
    return res.body as {
      type: string;
      fromStatus: string | null;
      toStatus: string | null;
      actor: { id: string; role: string };
      reason: string | null;
      data: Record<string, unknown>;
    }[];
  }

  post(token: string, path: string, body: object = {}) {
    return this.app.http().post(path).set(auth(token)).send(body);
  }

  /** Texts sent to `to` with `template`, newest first. */
  async texts(to: string, template: string): Promise<{ body: string; orderId: string | null }[]> {
    const res = await this.app
      .http()
      .get('/api/notifications')
      .query({ to, type: template, limit: 200 })
      .set(auth(this.w.tokens.admin));
    return res.body.items;
  }

  /** The pickup code texted for an order, as the customer's phone shows it (the log masks it). */
  async pickupCode(phone: string, orderId: string): Promise<string> {
    const texts = await this.fx.codeTexts(phone, 'pickup_code');
    const text = texts.find((t) => t.orderId === orderId);
    const code = text?.text.match(/(?<!\d)\d{6}(?!\d)/)?.[0];
    if (!code) throw new Error(`no pickup code texted to ${phone} for ${orderId}`);
    return code;
  }

  /** An order taken out by its (auto-)assigned agent; returns the agent. */
  async outForDelivery(orderId: string, site: { agents: AgentRef[] }): Promise<AgentRef> {
    const agentId = await this.assigned(orderId);
    const agent = site.agents.find((a) => a.id === agentId);
    if (!agent) throw new Error(`order ${orderId} went to an unexpected agent ${agentId}`);
    const res = await this.post(agent.token, `/api/orders/${orderId}/dispatch`);
    if (res.status !== 200) throw new Error(`dispatch: ${res.status} ${JSON.stringify(res.body)}`);
    return agent;
  }
}

let phoneSeq = Math.floor(Math.random() * 9e7);

/** A distinct Chinese mobile number per call. */
export function newPhone(): string {
  return `+86137${String(phoneSeq++).padStart(8, '0')}`;
}
