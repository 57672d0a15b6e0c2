import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import {
  AuthService,
  Ctx,
  CustomerSession,
  LoginDto,
  OtpRequestDto,
  OtpVerifyDto,
  Public,
  Roles,
  StaffSession,
} from '@campus/auth';
import { Principal, RequestContext, ROLES } from '@campus/core';
import { SignInThrottlerGuard } from './login-throttler.guard';
import { OtpSignInService } from './otp-sign-in.service';
import { CustomerSessionView, OtpSentView, PrincipalView, StaffSessionView } from './auth.views';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly otp: OtpSignInService,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @UseGuards(SignInThrottlerGuard)
  @Throttle({ default: { limit: 10, ttl: 60_000 } })
  @ApiOperation({ summary: 'Staff sign-in; 10 tries per minute per address and username' })
  @ApiOkResponse({ type: StaffSessionView })
  login(@Ctx() ctx: RequestContext, @Body() dto: LoginDto): Promise<StaffSession> {
    return this.auth.login(ctx, dto.username, dto.password);
  }

  @Post('otp/request')
  @Public()
  @HttpCode(202)
  @UseGuards(ThrottlerGuard)
  @Throttle({ default: { limit: 30, ttl: 60_000 } })
  @ApiOperation({ summary: 'Texts a 6-digit sign-in code; limited per phone and per address' })
  @ApiAcceptedResponse({ type: OtpSentView })
  async requestOtp(@Ctx() ctx: RequestContext, @Body() dto: OtpRequestDto): Promise<{ status: string }> {
    await this.otp.request(ctx, dto.phone, dto.language);
    return { status: 'sent' };
  }

  @Post('otp/verify')
  @Public()
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  @Throttle({ default: { limit: 10, ttl: 60_000 } })
  @ApiOperation({ summary: 'Signs a customer in with the texted code (five wrong tries use it up)' })
  @ApiOkResponse({ type: CustomerSessionView })
  verifyOtp(@Ctx() ctx: RequestContext, @Body() dto: OtpVerifyDto): Promise<CustomerSession> {
    return this.auth.verifyOtp(ctx, dto.phone, dto.code);
  }

  @Get('me')
  @ApiBearerAuth()
  @Roles(...ROLES)
  @ApiOkResponse({ type: PrincipalView })
  me(@Ctx() ctx: RequestContext): Principal {
    return ctx.principal;
  }
}
