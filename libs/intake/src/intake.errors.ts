import { BusinessRuleError, ForbiddenError, ValidationError } from '@campus/core';

export class ChannelNotAllowedError extends ForbiddenError {
  constructor(role: string, channel: string) {
    super(`A ${role} may not place ${channel} orders`, 'channel_not_allowed');
  }
}

export class PaymentMethodNotAllowedError extends BusinessRuleError {
  constructor(channel: string, method: string) {
    super('payment_method_not_allowed', `${channel} orders cannot be paid by ${method}`);
  }
}

export class UnknownAgentCodeError extends ValidationError {
  constructor(code: string) {
    super(
      [{ field: 'agentCode', message: `no active agent has the code ${code}` }],
      undefined,
      'unknown_agent_code',
    );
  }
}

export class FulfilmentNotAllowedError extends BusinessRuleError {
  constructor(channel: string, type: string) {
    super('fulfilment_not_allowed', `${channel} orders cannot use ${type} fulfilment`);
  }
}
