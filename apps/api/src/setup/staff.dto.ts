import { IsBoolean, IsOptional } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsId, IsOneOf, IsPhone, IsText, PageQueryDto, STAFF_ROLES, ToBool } from '@campus/core';

export class CreateUserDto {
  @IsText({ max: 64, example: 'cc.wang' })
  username: string;

  @IsText({
    min: 10,
    max: 200,
    description: 'at least 10 characters, not a common password, not the username',
  })
  password: string;

  @IsOneOf(STAFF_ROLES)
  role: 'admin' | 'regional_manager' | 'call_center' | 'agent' | 'pickup_staff';

  @IsId({ optional: true, description: 'required for regional_manager' })
  regionId?: string;

  @IsId({ optional: true, description: 'required for agent' })
  campusId?: string;

  @IsId({ optional: true, description: 'required for pickup_staff' })
  pickupPointId?: string;

  @IsText({ max: 100, optional: true })
  displayName?: string;

  @IsPhone({ optional: true, description: 'required for agent' })
  phone?: string;
}

export class UpdateUserDto {
  @ApiProperty({ description: 'false: the account can no longer sign in and its tokens stop working' })
  @IsBoolean()
  active: boolean;
}

export class UserQueryDto extends PageQueryDto {
  @IsOneOf(STAFF_ROLES, { optional: true })
  role?: 'admin' | 'regional_manager' | 'call_center' | 'agent' | 'pickup_staff';

  @ApiPropertyOptional()
  @IsOptional()
  @ToBool()
  @IsBoolean()
  active?: boolean;

  @IsText({ max: 64, optional: true, description: 'matches username or display name' })
  q?: string;
}

export class TemporaryPasswordView {
  @ApiProperty({ description: 'shown once; the account must change it at its next sign-in' })
  temporaryPassword: string;
}
