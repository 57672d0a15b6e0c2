import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsId, IsPhone, IsText } from '@campus/core';

/** Documents that `null` clears the field (class-validator's IsOptional lets null through). */
const Clearable = () => ApiPropertyOptional({ type: String, nullable: true, description: 'null clears it' });

export const MAX_ADDRESSES = 10;

export class CreateAddressDto {
  @IsText({ max: 30, optional: true, example: 'Dorm' })
  label?: string;

  @IsId({ description: 'the campus the building stands on' })
  campusId: string;

  @IsText({ max: 100, example: 'Building 5' })
  building: string;

  @IsText({ max: 50, example: '302' })
  room: string;

  @IsText({ max: 50, optional: true, example: 'Li Lei', description: 'who takes the parcel (default: you)' })
  recipientName?: string;

  @IsPhone({ optional: true, description: 'who to call at the door (default: your number)' })
  phone?: string;
}

/** Every field optional; `null` clears label, recipientName and phone. */
export class UpdateAddressDto {
  @Clearable()
  @IsText({ max: 30, optional: true })
  label?: string | null;

  @IsId({ optional: true })
  campusId?: string;

  @IsText({ max: 100, optional: true })
  building?: string;

  @IsText({ max: 50, optional: true })
  room?: string;

  @Clearable()
  @IsText({ max: 50, optional: true })
  recipientName?: string | null;

  @Clearable()
  @IsPhone({ optional: true })
  phone?: string | null;
}
