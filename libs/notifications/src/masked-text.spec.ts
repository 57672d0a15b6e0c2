import { maskedText } from './notifications.service';
import { render } from './templates';

describe('maskedText', () => {
  it('hides the one-time code of a code text, not the place or the order number', () => {
    const params = {
      number: '261206000003',
      place: 'Dorm 3 lobby DL123456-S01',
      code: '042917',
      until: '12-09 06:39',
    };
    for (const lang of ['zh-CN', 'en'] as const) {
      const masked = maskedText('pickup_code', render('pickup_code', lang, params));
      expect(masked).not.toContain('042917');
      expect(masked).toContain('••••••');
      expect(masked).toContain('261206000003');
      expect(masked).toContain('DL123456-S01');
    }
    expect(maskedText('otp', render('otp', 'zh-CN', { code: '123456' }))).not.toContain('123456');
    expect(
      maskedText('task_code', render('task_code', 'en', { code: '654321', kind: 'repair_pickup' })),
    ).not.toContain('654321');
  });

  it('masks phone numbers in any text, and leaves other texts as they are', () => {
    const body = render('order_placed', 'en', {
      number: '261206000003',
      totalCents: 3900,
      paymentMethod: 'cod',
    });
    expect(maskedText('order_placed', body)).toBe(body);
    expect(maskedText('order_cancelled', 'call +8613800138000 back')).toBe('call +86138****8000 back');
  });
});
