import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/** Limits sign-in attempts per client address and per account name together. */
@Injectable()
export class SignInThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const body = (req.body ?? {}) as { username?: unknown; phone?: unknown };
    const who = typeof body.username === 'string' ? body.username.toLowerCase().slice(0, 64) : '';
    return `${String(req.ip)}|${who}`;
  }
}

/** Limits password changes per account (a stolen token cannot guess the current password fast). */
@Injectable()
export class PasswordChangeThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const user = req.user as { id?: string } | undefined;
    return `password|${user?.id ?? String(req.ip)}`;
  }
}
