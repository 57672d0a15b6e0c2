import twilio from 'twilio';
import { ForbiddenError, ValidationError } from '@campus/core';
import { readInboundSms, twimlReply, verifyTwilioSignature } from './twilio-webhook';

describe('verifyTwilioSignature', () => {
  const token = 'auth-token-of-the-account';
  const url = 'https://orders.example.edu/api/channels/sms/twilio';
  const params = { From: '+8613800138000', Body: 'BUY USB-32G 2', MessageSid: `SM${'a'.repeat(32)}` };
  const signature = twilio.getExpectedTwilioSignature(token, url, params);

  it('accepts what Twilio signed', () => {
    expect(() => verifyTwilioSignature(token, url, signature, params)).not.toThrow();
  });

  it.each([
    ['no signature', token, url, undefined, params],
    ['no auth token configured', undefined, url, signature, params],
    ['another token', 'someone-else', url, signature, params],
    ['another URL', token, `${url}/status`, signature, params],
    ['a changed parameter', token, url, signature, { ...params, Body: 'BUY USB-32G 20' }],
    ['an added parameter', token, url, signature, { ...params, To: '+8613900000000' }],
  ])('refuses %s with a 403', (_what, t, u, sig, p) => {
    expect(() => verifyTwilioSignature(t, u, sig, p)).toThrow(ForbiddenError);
  });
});

describe('readInboundSms', () => {
  it('reads the fields the channel uses, with the sender in E.164', () => {
    expect(
      readInboundSms({
        From: '+8613800138000',
        To: '+8613912345678',
        Body: 'YES',
        MessageSid: `SM${'0'.repeat(32)}`,
      }),
    ).toEqual({
      from: '+8613800138000',
      to: '+8613912345678',
      body: 'YES',
      messageSid: `SM${'0'.repeat(32)}`,
    });
  });

  it('names every field at fault', () => {
    try {
      readInboundSms({ From: 'nobody', Body: ['a', 'b'] });
      throw new Error('expected a ValidationError');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).errors.map((e) => e.field)).toEqual(['MessageSid', 'From', 'Body']);
    }
  });

  it('takes an empty body (a picture message) as empty text', () => {
    expect(readInboundSms({ From: '13800138000', MessageSid: `MM${'1'.repeat(32)}` }).body).toBe('');
  });
});

describe('twimlReply', () => {
  it('answers with one XML-escaped message', () => {
    expect(twimlReply('Send BUY <code> & "YES"')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Send BUY &lt;code&gt; &amp; "YES"</Message></Response>',
    );
  });

  it('answers with an empty response when there is nothing to say', () => {
    expect(twimlReply(null)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });
});
