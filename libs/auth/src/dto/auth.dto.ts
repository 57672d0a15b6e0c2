import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsPhone, IsText } from '@campus/core';

export class LoginDto {
  @IsText({ max: 64, example: 'admin' })
  username: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}

export class OtpRequestDto {
  @IsPhone()
  phone: string;

  @ApiProperty({
    required: false,
    enum: ['zh-CN', 'en'],
    description: 'Language of the text (default zh-CN)',
  })
  @IsOptional()
  @IsIn(['zh-CN', 'en'])
  language?: 'zh-CN' | 'en';
}

export class OtpVerifyDto {
  @IsPhone()
  phone: string;

  @ApiProperty({ example: '123456' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'must be the 6-digit code from the text' })
  code: string;
}

export class ChangePasswordDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  currentPassword: string;

  @ApiProperty({
    minLength: 10,
    maxLength: 200,
    description: 'at least 10 characters, not a common password, not the username, not the current one',
  })
  @IsString()
  @MaxLength(200)
  newPassword: string;
}
