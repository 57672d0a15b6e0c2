import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ForbiddenError, Principal, Role, UnauthorizedError } from '@campus/core';
import { PENDING_PASSWORD_KEY, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { PasswordChangeRequiredError } from './auth.errors';

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

  override handleRequest<T>(err: unknown, user: T): T {
    if (err) throw err instanceof Error && 'status' in err ? err : new UnauthorizedError();
    if (!user) throw new UnauthorizedError();
    return user;
  }
}

/**
 * Deny by default: a route answers only the roles its @Roles names; an account with a temporary
 * password only the routes marked @AllowPendingPasswordChange.
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
    const user = ctx.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!user || !roles.includes(user.role as Role)) {
      throw new ForbiddenError('Your role may not use this route', 'role_not_allowed');
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
