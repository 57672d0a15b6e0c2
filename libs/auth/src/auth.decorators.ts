import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ANONYMOUS_PRINCIPAL, Principal, RequestContext, Role } from '@campus/core';

export const ROLES_KEY = 'campus:roles';
export const PUBLIC_KEY = 'campus:public';
export const ALLOW_SUSPENDED_KEY = 'campus:allow-suspended';
export const PENDING_PASSWORD_KEY = 'campus:pending-password';

/** The roles that may call a route. Routes without @Roles or @Public are refused (deny by default). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/**
 * A write a suspended account may still make (its own password, say). Without it, a suspended
 * account may only read (GET/HEAD): 403 `agent_suspended`.
 */
export const AllowSuspended = (): MethodDecorator & ClassDecorator => SetMetadata(ALLOW_SUSPENDED_KEY, true);

/** A route anyone may call without a token (sign-in, webhooks that verify their own signatures, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/**
 * A route an account with a temporary password may still use (the password change itself, "who am
 * I"); every other route answers 403 `password_change_required` until the password is changed.
 */
export const AllowPendingPasswordChange = (): MethodDecorator => SetMetadata(PENDING_PASSWORD_KEY, true);

interface RequestLike {
  user?: Principal;
  id?: string;
  ip?: string;
}

/** The request context of the caller: principal, request id. */
export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): RequestContext => {
  const req = host.switchToHttp().getRequest<RequestLike>();
  return new RequestContext(req.user ?? ANONYMOUS_PRINCIPAL, String(req.id ?? ''), undefined, req.ip);
});
