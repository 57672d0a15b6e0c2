import { Injectable, Logger } from '@nestjs/common';
import { AuthService } from '@campus/auth';
import { BusinessRuleError, maskPhone, RateLimitedError, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { AlertsService, NotificationsService } from '@campus/notifications';

/**
 * Customer sign-in by texted code. Auth makes the code, notifications texts it; both rows are written
 * in one transaction, so a code exists exactly when its text is on its way. Codes go only to numbers
 * of SMS_ALLOWED_COUNTRIES (422 naming `phone`), and all numbers together get at most
 * OTP_HOURLY_BUDGET codes per clock hour: past it the request is refused (429) and — once per hour —
 * a staff alert (`otp_budget`, for the admins) is raised in the same transaction and an error logged.
 */
@Injectable()
export class OtpSignInService {
  private readonly log = new Logger('OtpSignIn');

  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    private readonly notifications: NotificationsService,
    private readonly alerts: AlertsService,
  ) {}

  async request(ctx: RequestContext, phone: string, language?: 'zh-CN' | 'en'): Promise<void> {
    if (!this.notifications.mayReceiveCodes(phone)) {
      throw new BusinessRuleError(
        'sms_country_not_allowed',
        'Sign-in codes are texted only to numbers of the countries this service serves',
        { errors: [{ field: 'phone', message: 'is not a number of a country codes are texted to' }] },
      );
    }
    const outcome = await this.db.transaction(ctx, async (tx) => {
      const made = await this.auth.createOtp(tx, phone);
      if ('overBudget' in made) {
        const { used, budget, first, hour } = made.overBudget;
        if (first) {
          this.log.error(
            `the hourly budget of ${budget} sign-in codes is spent (refused ${maskPhone(phone)}); alerting the admins`,
          );
          await this.alerts.raise(tx, {
            kind: 'otp_budget',
            audience: 'admins',
            subject: `验证码已达每小时上限（${budget}条）`,
            body: `本小时（${hour.toISOString().slice(0, 13)}:00 UTC 起）的登录验证码已发出 ${budget} 条，后续请求被拒绝（429）。请检查是否存在短信轰炸；如属正常高峰，可调高 OTP_HOURLY_BUDGET。`,
            data: { hour: hour.toISOString(), budget, used },
            dedupeKey: `otp_budget:${hour.toISOString()}`,
          });
        }
        return made.overBudget;
      }
      // The language asked for here becomes the number's language for later texts too.
      if (language) await this.notifications.setPreference(tx, phone, { language });
      await this.notifications.send(tx, {
        to: phone,
        template: 'otp',
        params: { code: made.code },
        language,
      });
      return null;
    });
    // The budget's count is committed; only then is the request refused.
    if (outcome) {
      const secondsLeft = Math.max(1, Math.ceil((outcome.hour.getTime() + 3_600_000 - Date.now()) / 1000));
      throw new RateLimitedError(
        'Too many sign-in codes are being requested right now; try again later',
        secondsLeft,
        'otp_budget_exhausted',
      );
    }
  }
}
