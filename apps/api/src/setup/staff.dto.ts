import { IsBoolean } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { IsId, IsOneOf, IsPhone, IsText, STAFF_ROLES } from '@campus/core';

export class CreateUserDto {
  @IsText({ max: 64, example: 'cc.wang' })
  username: string;

  @IsText({ min: 8, max: 200, description: 'at least 8 characters' })
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
