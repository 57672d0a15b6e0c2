import { classify } from './twilio-sms.sender';

describe('classify (Twilio errors)', () => {
  it.each([
    [{ status: 400, code: 21211, message: 'invalid To' }, true],
    [{ status: 400, code: 21610, message: 'unsubscribed' }, true],
    [{ status: 404, message: 'not found' }, true],
    [{ status: 429, code: 20429, message: 'too many' }, false],
    [{ status: 500, message: 'boom' }, false],
    [{ status: 503, message: 'unavailable' }, false],
    [new Error('ECONNREFUSED'), false],
  ])('%p → permanent %p', (err, permanent) => {
    expect(classify(err).permanent).toBe(permanent);
  });

  it('names the Twilio code in the message', () => {
    expect(classify({ status: 400, code: 21211, message: 'invalid To' }).message).toBe(
      'Twilio 21211: invalid To',
    );
  });
});
