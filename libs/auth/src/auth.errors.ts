import { BusinessRuleError, ConflictError, UnauthorizedError } from '@campus/core';

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

export class AddressLimitError extends BusinessRuleError {
  constructor(max: number) {
    super('address_limit', `A customer keeps at most ${max} addresses; delete one first`, { max });
  }
}
