import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig, APP_CONFIG } from '@campus/core';
import { AddressesService } from './addresses.service';
import { AuthService } from './auth.service';
import { Customer } from './customer.entity';
import { CustomersService } from './customers.service';
import { JwtStrategy } from './jwt.strategy';
import { OtpRepository } from './otp.repository';
import { PasswordHasher } from './password-hasher';
import { PrincipalRepository } from './principal.repository';
import { User } from './user.entity';
import { UsersService } from './users.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([User, Customer]),
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        signOptions: { expiresIn: config.jwtTtlSeconds, algorithm: 'HS256' },
      }),
    }),
  ],
  providers: [
    AuthService,
    OtpRepository,
    PrincipalRepository,
    UsersService,
    CustomersService,
    AddressesService,
    PasswordHasher,
    JwtStrategy,
  ],
  exports: [AuthService, UsersService, CustomersService, AddressesService, PasswordHasher],
})
export class AuthModule {}
