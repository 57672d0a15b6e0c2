import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig, InjectConfig, Principal, UnauthorizedError } from '@campus/core';
import { AuthService, TokenClaims } from './auth.service';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @InjectConfig() config: AppConfig,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      ignoreExpiration: false,
      secretOrKey: config.jwtSecret,
      algorithms: ['HS256'],
    });
  }

  async validate(claims: TokenClaims): Promise<Principal> {
    if (!claims?.sub || (claims.kind !== 'user' && claims.kind !== 'customer')) {
      throw new UnauthorizedError('Malformed token');
    }
    const principal = await this.auth.principalFor(claims);
    if (!principal) throw new UnauthorizedError('This account no longer exists or is disabled');
    return principal;
  }
}
