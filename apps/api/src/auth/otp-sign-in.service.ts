import { Injectable } from '@nestjs/common';
import { AuthService } from '@campus/auth';
import { RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { NotificationsService } from '@campus/notifications';

/**
 * Customer sign-in by texted code. Auth makes the code, notifications texts it; both rows are written
 * in one transaction, so a code exists exactly when its text is on its way.
 */
@Injectable()
export class OtpSignInService {
  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    private readonly notifications: NotificationsService,
  ) {}

  async request(ctx: RequestContext, phone: string, language?: 'zh-CN' | 'en'): Promise<void> {
    await this.db.transaction(ctx, async (tx) => {
      const code = await this.auth.createOtp(tx, phone);
      // The language asked for here becomes the number's language for later texts too.
      if (language) await this.notifications.setPreference(tx, phone, { language });
      await this.notifications.send(tx, { to: phone, template: 'otp', params: { code }, language });
    });
  }
}
