import { Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
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
      // A key object once, instead of jsonwebtoken deriving one from the string on every request.
      secretOrKey: createSecretKey(Buffer.from(config.jwtSecret)) as unknown as string,
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
