import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface FakeTwilioRequest {
  /** When it arrived (ms since the epoch). */
  at: number;
  method: string;
  path: string;
  authorization: string | undefined;
  form: Record<string, string>;
}

/** A message resource as Twilio's API renders it (the fields the SDK reads). */
export interface FakeTwilioMessage {
  sid: string;
  account_sid: string;
  api_version: '2010-04-01';
  to: string;
  from: string | null;
  messaging_service_sid: string | null;
  body: string;
  status: string;
  direction: 'outbound-api';
  num_segments: string;
  num_media: '0';
  error_code: number | null;
  error_message: string | null;
  price: null;
  price_unit: 'USD';
  date_created: string;
  date_updated: string;
  date_sent: string | null;
  uri: string;
  subresource_uris: Record<string, string>;
}

/**
 * A local stand-in for Twilio's REST API, answering like Twilio does: 201 with a message resource,
 * or an error body {code, message, status}.
 * - POST /2010-04-01/Accounts/{sid}/Messages.json creates a message (kept in `messages`);
 * - GET …/Messages/{Sid}.json fetches one (404/20404 when unknown);
 * - GET …/Messages.json lists them newest first, filtered by To, From and DateSent (=, <, >; a date
 *   or a date-time), paged by PageSize/Page with Twilio's page envelope.
 * `failures` scripts answers per recipient: 'invalid' → 400/21211 forever; a number → that many 503s
 * first. `afterCreate` runs after a message is stored and before the answer leaves (a test can cut
 * the database there: the answer arrives, our update cannot be written).
 */
export class FakeTwilio {
  readonly requests: FakeTwilioRequest[] = [];
  readonly failures = new Map<string, 'invalid' | number>();
  readonly messages: FakeTwilioMessage[] = [];
  afterCreate?: (message: FakeTwilioMessage) => Promise<void> | void;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The create requests (POSTs) for a recipient, accepted or not. */
  sentTo(to: string): FakeTwilioRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.form.To === to);
  }

  /** The lookups (GETs) made. */
  lookups(): FakeTwilioRequest[] {
    return this.requests.filter((r) => r.method === 'GET');
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const form =
      method === 'GET'
        ? Object.fromEntries(url.searchParams)
        : Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const path = url.pathname;
    this.requests.push({ at: Date.now(), method, path, authorization: req.headers.authorization, form });
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const notFound = () =>
      reply(404, {
        code: 20404,
        message: `The requested resource ${path} was not found`,
        more_info: 'https://www.twilio.com/docs/errors/20404',
        status: 404,
      });
    const account = path.match(/^\/2010-04-01\/Accounts\/(AC\w{32})\/Messages(?:\/(SM\w{32}))?\.json$/);
    if (!account) return notFound();
    if (method === 'GET' && account[2]) {
      const found = this.messages.find((m) => m.sid === account[2] && m.account_sid === account[1]);
      return found ? reply(200, found) : notFound();
    }
    if (method === 'GET') return reply(200, this.list(account[1], url));
    if (method !== 'POST' || account[2]) return notFound();
    const plan = this.failures.get(form.To);
    if (plan === 'invalid') {
      return reply(400, {
        code: 21211,
        message: `The 'To' number ${form.To} is not a valid phone number.`,
        status: 400,
      });
    }
    if (typeof plan === 'number' && plan > 0) {
      this.failures.set(form.To, plan - 1);
      return reply(503, { code: 20503, message: 'Service unavailable', status: 503 });
    }
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const now = new Date().toUTCString();
    const uri = `/2010-04-01/Accounts/${account[1]}/Messages/${sid}.json`;
    const message: FakeTwilioMessage = {
      sid,
      account_sid: account[1],
      api_version: '2010-04-01',
      to: form.To,
      from: form.From ?? null,
      messaging_service_sid: form.MessagingServiceSid ?? null,
      body: form.Body,
      status: 'queued',
      direction: 'outbound-api',
      num_segments: '1',
      num_media: '0',
      error_code: null,
      error_message: null,
      price: null,
      price_unit: 'USD',
      date_created: now,
      date_updated: now,
      date_sent: null,
      uri,
      subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
    };
    this.messages.push(message);
    await this.afterCreate?.(message);
    reply(201, message);
    // Twilio hands the message to the carrier shortly after: sent, with its date_sent.
    setTimeout(() => Object.assign(message, { status: 'sent', date_sent: new Date().toUTCString() }), 50);
  }

  /** GET Messages.json: newest first, Twilio's filters and page envelope. */
  private list(accountSid: string, url: URL): object {
    const q = url.searchParams;
    const day = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null);
    const at = (v: string) => new Date(day(v) ? `${v}T00:00:00Z` : v).getTime();
    const sentAt = (m: FakeTwilioMessage) => (m.date_sent ? new Date(m.date_sent).getTime() : null);
    let items = this.messages.filter((m) => m.account_sid === accountSid);
    if (q.get('To')) items = items.filter((m) => m.to === q.get('To'));
    if (q.get('From')) items = items.filter((m) => m.from === q.get('From'));
    const exact = q.get('DateSent');
    if (exact) {
      items = items.filter((m) => {
        const t = sentAt(m);
        if (t === null) return false;
        return day(exact) ? new Date(t).toISOString().slice(0, 10) === exact : t === at(exact);
      });
    }
    const after = q.get('DateSent>');
    if (after) items = items.filter((m) => (sentAt(m) ?? -Infinity) >= at(after));
    const before = q.get('DateSent<');
    if (before)
      items = items.filter((m) => (sentAt(m) ?? Infinity) <= at(before) + (day(before) ? 86_399_999 : 0));
    items = [...items].reverse();
    const pageSize = Math.min(1000, Math.max(1, Number(q.get('PageSize') ?? 50)));
    const page = Math.max(0, Number(q.get('Page') ?? 0));
    const slice = items.slice(page * pageSize, (page + 1) * pageSize);
    const base = url.pathname;
    const with_ = (p: number) => {
      const u = new URLSearchParams(q);
      u.set('PageSize', String(pageSize));
      u.set('Page', String(p));
      return `${base}?${u.toString()}`;
    };
    return {
      messages: slice,
      uri: with_(page),
      first_page_uri: with_(0),
      previous_page_uri: page > 0 ? with_(page - 1) : null,
      next_page_uri: (page + 1) * pageSize < items.length ? with_(page + 1) : null,
      page,
      page_size: pageSize,
      start: page * pageSize,
      end: page * pageSize + Math.max(0, slice.length - 1),
    };
  }
}
