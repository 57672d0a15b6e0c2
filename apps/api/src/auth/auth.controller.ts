import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import {
  AllowPendingPasswordChange,
  AllowSuspended,
  AuthService,
  ChangePasswordDto,
  Ctx,
  CustomerSession,
  LoginDto,
  OtpRequestDto,
  OtpVerifyDto,
  Public,
  Roles,
  StaffSession,
} from '@campus/auth';
import { Principal, RequestContext, ROLES, STAFF_ROLES } from '@campus/core';
import { PasswordChangeThrottlerGuard, SignInThrottlerGuard } from './login-throttler.guard';
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

  @Post('password')
  @HttpCode(204)
  @ApiBearerAuth()
  @Roles(...STAFF_ROLES)
  @AllowPendingPasswordChange()
  @AllowSuspended() // a suspended agent still looks after their own account
  @UseGuards(PasswordChangeThrottlerGuard)
  @Throttle({ default: { limit: 10, ttl: 15 * 60_000 } })
  @ApiOperation({
    summary:
      "Changes the caller's password (10 tries per 15 minutes per account); every token of the account, " +
      'this one included, stops working: sign in again. Wrong current password → 422 current_password_wrong',
  })
  @ApiNoContentResponse()
  changePassword(@Ctx() ctx: RequestContext, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.auth.changePassword(ctx, dto.currentPassword, dto.newPassword);
  }

  @Get('me')
  @ApiBearerAuth()
  @Roles(...ROLES)
  @AllowPendingPasswordChange()
  @ApiOkResponse({ type: PrincipalView })
  me(@Ctx() ctx: RequestContext): Principal {
    const { tokenVersion: _, ...principal } = ctx.principal;
    return principal;
  }
}
