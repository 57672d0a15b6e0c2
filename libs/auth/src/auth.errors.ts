import { BusinessRuleError, ConflictError, ForbiddenError, UnauthorizedError } from '@campus/core';

export class BadCredentialsError extends UnauthorizedError {
  constructor() {
    super('Wrong username or password', 'bad_credentials');
  }
}

/** Wrong, expired or used-up one-time code: each says which, none says whether the phone exists. */
export class OtpRejectedError extends UnauthorizedError {
  constructor(reason: 'otp_wrong' | 'otp_expired' | 'otp_exhausted') {
    const detail = {
      otp_wrong: 'The code is wrong',
      otp_expired: 'The code has expired or was never sent; request a new one',
      otp_exhausted: 'Too many wrong codes; request a new one',
    }[reason];
    super(detail, reason);
  }
}

export class UsernameTakenError extends ConflictError {
  constructor(username: string) {
    super('username_taken', `The username ${username} is already taken`);
  }
}

/** A valid token, a wrong current password: refused (422), the session is not at fault. */
export class CurrentPasswordWrongError extends BusinessRuleError {
  constructor() {
    super('current_password_wrong', 'The current password is wrong');
  }
}

/** The account was given a temporary password: only changing it is allowed until then. */
export class PasswordChangeRequiredError extends ForbiddenError {
  constructor() {
    super('Change your temporary password before doing anything else', 'password_change_required');
  }
}

export class AddressLimitError extends BusinessRuleError {
  constructor(max: number) {
    super('address_limit', `A customer keeps at most ${max} addresses; delete one first`, { max });
  }
}
