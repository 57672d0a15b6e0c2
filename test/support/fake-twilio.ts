import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface FakeTwilioRequest {
  path: string;
  authorization: string | undefined;
  form: Record<string, string>;
}

/**
 * A local stand-in for Twilio's REST API (POST /2010-04-01/Accounts/{sid}/Messages.json), answering
 * like Twilio does: 201 with a message resource, or an error body {code, message, status}.
 * `failures` scripts answers per recipient: 'invalid' → 400/21211 forever; a number → that many 503s first.
 */
export class FakeTwilio {
  readonly requests: FakeTwilioRequest[] = [];
  /** Message-list lookups (GET …/Messages.json?To=…), kept apart from the sends. */
  readonly lookups: string[] = [];
  /** The messages it accepted, newest last (what its message list answers from). */
  private readonly accepted: Record<string, string>[] = [];
  readonly failures = new Map<string, 'invalid' | number>();
  /** Recipients whose messages are accepted but never answered (a sender left waiting, as if cut off). */
  readonly unanswered = new Set<string>();
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

  sentTo(to: string): FakeTwilioRequest[] {
    return this.requests.filter((r) => r.form.To === to);
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const path = req.url ?? '';
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const list = /^(\/2010-04-01\/Accounts\/AC\w{32}\/Messages\.json)\?(.*)$/.exec(path);
    if (req.method === 'GET' && list) {
      // Twilio's message list, newest first, filtered by To (one page is all a lookup needs).
      this.lookups.push(path);
      const to = new URLSearchParams(list[2]).get('To');
      const messages = this.accepted.filter((m) => !to || m.to === to).reverse();
      return reply(200, {
        messages,
        uri: path,
        first_page_uri: path,
        next_page_uri: null,
        previous_page_uri: null,
        page: 0,
        page_size: messages.length,
        start: 0,
        end: Math.max(0, messages.length - 1),
      });
    }
    this.requests.push({ path, authorization: req.headers.authorization, form });
    if (req.method !== 'POST' || !/^\/2010-04-01\/Accounts\/AC\w{32}\/Messages\.json$/.test(path)) {
      return reply(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    }
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
    const message = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      status: 'queued',
      to: form.To,
      from: form.From,
      body: form.Body,
      num_segments: '1',
      date_created: new Date().toUTCString(),
    };
    this.accepted.push(message);
    if (this.unanswered.has(form.To)) return; // accepted; the answer is lost with the connection
    reply(201, message);
  }
}
