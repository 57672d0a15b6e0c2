import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ForbiddenError, Principal, Role, ServiceUnavailableError, UnauthorizedError } from '@campus/core';
import { isDatabaseUnavailable } from '@campus/database';
import { ALLOW_SUSPENDED_KEY, PENDING_PASSWORD_KEY, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { PasswordChangeRequiredError } from './auth.errors';

/** What a suspended account may still do: read. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function isPublic(reflector: Reflector, ctx: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [ctx.getHandler(), ctx.getClass()]) === true;
}

/** Every route needs a valid bearer token unless marked @Public. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(ctx: ExecutionContext) {
    if (ctx.getType() !== 'http' || isPublic(this.reflector, ctx)) return true;
    return super.canActivate(ctx);
  }

  /**
   * A refused token is 401. A token that could not be checked because the database is unreachable is
   * 503 (retryable): an outage must not sign every client out. Anything else is a bug (500).
   */
  override handleRequest<T>(err: unknown, user: T): T {
    if (err) {
      if (err instanceof Error && 'status' in err) throw err;
      if (isDatabaseUnavailable(err)) throw new ServiceUnavailableError();
      throw err;
    }
    if (!user) throw new UnauthorizedError();
    return user;
  }
}

/**
 * Deny by default: a route answers only the roles its @Roles names; an account with a temporary
 * password only the routes marked @AllowPendingPasswordChange. A suspended agent's token keeps
 * reading (their own history, scoped as ever) and changes nothing: any other method is 403
 * `agent_suspended` — no new orders, deliveries, deposits, tasks — unless the route says @AllowSuspended.
 */
@Injectable()
export class RolesGuard {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http' || isPublic(this.reflector, ctx)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (!roles || roles.length === 0)
      throw new ForbiddenError('This route has no role policy', 'no_role_policy');
    const req = ctx.switchToHttp().getRequest<{ user?: Principal; method?: string }>();
    const user = req.user;
    if (!user || !roles.includes(user.role as Role)) {
      throw new ForbiddenError('Your role may not use this route', 'role_not_allowed');
    }
    if (
      user.suspended &&
      !READ_METHODS.has(String(req.method).toUpperCase()) &&
      !this.reflector.getAllAndOverride<boolean>(ALLOW_SUSPENDED_KEY, [ctx.getHandler(), ctx.getClass()])
    ) {
      throw new ForbiddenError(
        'This agent is suspended: their history stays readable, but nothing can be changed',
        'agent_suspended',
      );
    }
    if (
      user.mustChangePassword &&
      this.reflector.get<boolean>(PENDING_PASSWORD_KEY, ctx.getHandler()) !== true
    ) {
      throw new PasswordChangeRequiredError();
    }
    return true;
  }
}
