import { sealText, unsealText } from './code-seal';
import { LogSmsSender, logTransportText } from './senders/log-sms.sender';

const config = { codesSecret: 'a-codes-secret-for-this-spec-0123456789' };

describe('sealText / unsealText', () => {
  it('opens what it sealed, and the sealed form shows nothing of the text', () => {
    const sealed = sealText(config, 'msg-1', 'Your code is 424242.');
    expect(sealed).not.toContain('424242');
    expect(Buffer.from(sealed, 'base64').toString('latin1')).not.toContain('424242');
    expect(unsealText(config, 'msg-1', sealed)).toBe('Your code is 424242.');
  });

  it('refuses another message id, another key, or altered bytes', () => {
    const sealed = sealText(config, 'msg-1', 'Your code is 424242.');
    expect(() => unsealText(config, 'msg-2', sealed)).toThrow();
    expect(() => unsealText({ codesSecret: 'another-secret-0123456789abcdef' }, 'msg-1', sealed)).toThrow();
    const raw = Buffer.from(sealed, 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => unsealText(config, 'msg-1', raw.toString('base64'))).toThrow();
  });
});

describe('LogSmsSender', () => {
  it('outside production keeps the delivered text for the developer (and tests)', async () => {
    const sut = new LogSmsSender(false);
    await sut.send('+8613800138000', 'code 111222', { notificationId: 'dev-1' });
    expect(logTransportText('dev-1')).toBe('code 111222');
  });

  it('in production keeps nothing', async () => {
    const sut = new LogSmsSender(true);
    const receipt = await sut.send('+8613800138000', 'code 333444', { notificationId: 'prod-1' });
    expect(receipt).toMatchObject({ transport: 'log', status: 'sent' });
    expect(logTransportText('prod-1')).toBeNull();
  });
});
