import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { toE164 } from './phone';

const MAX_CENTS = 1_000_000_000; // ¥10,000,000: far above any campus order, far below 2^53

interface Opt {
  optional?: boolean;
  description?: string;
  example?: unknown;
}

function docs(opt: Opt, schema: Record<string, unknown>): PropertyDecorator {
  const o = { description: opt.description, example: opt.example, ...schema };
  return opt.optional ? ApiPropertyOptional(o) : ApiProperty(o);
}

function optional(opt: Opt): PropertyDecorator[] {
  return opt.optional ? [IsOptional()] : [];
}

/** A phone number in any common form; the DTO field holds it as E.164 after validation. */
export function IsPhone(opt: Opt = {}): PropertyDecorator {
  return applyDecorators(
    docs(opt, { type: String, example: opt.example ?? '+8613800138000' }),
    ...optional(opt),
    Transform(({ value }) => (typeof value === 'string' ? (toE164(value) ?? value) : value)),
    ValidateBy({
      name: 'isPhone',
      validator: {
        // Valid for its country (libphonenumber's length and prefix rules), not just well-formed:
        // the transform above leaves anything it could not read as it was, and that fails here.
        validate: (v: unknown) => typeof v === 'string' && toE164(v) === v,
        defaultMessage: () => 'must be a valid phone number, e.g. +8613800138000 or 13800138000',
      },
    }),
  );
}

/** A stock-keeping unit: letters, digits, dash, underscore, dot; stored upper-case. */
export function IsSku(opt: Opt = {}): PropertyDecorator {
  return applyDecorators(
    docs(opt, { type: String, example: opt.example ?? 'USB-32G', maxLength: 64 }),
    ...optional(opt),
    Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value)),
    IsString(),
    Matches(/^[A-Z0-9][A-Z0-9._-]{0,63}$/, { message: 'must be 1–64 letters, digits, ".", "_" or "-"' }),
  );
}

/** Integer minor units (fen). */
export function IsCents(opt: Opt & { allowNegative?: boolean } = {}): PropertyDecorator {
  const min = opt.allowNegative ? -MAX_CENTS : 0;
  return applyDecorators(
    docs(opt, { type: 'integer', minimum: min, maximum: MAX_CENTS }),
    ...optional(opt),
    IsInt({ message: 'must be an integer number of cents' }),
    Min(min),
    Max(MAX_CENTS),
  );
}

export function IsId(opt: Opt = {}): PropertyDecorator {
  return applyDecorators(docs(opt, { type: String, format: 'uuid' }), ...optional(opt), IsUUID('all'));
}

/** Control characters other than tab and line breaks (terminal escapes, bells, NUL). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A trimmed, non-empty string of bounded length, without control characters. */
export function IsText(opt: Opt & { max?: number; min?: number } = {}): PropertyDecorator {
  const max = opt.max ?? 200;
  const min = opt.min ?? 1;
  return applyDecorators(
    docs(opt, { type: String, minLength: min, maxLength: max }),
    ...optional(opt),
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    IsString(),
    MinLength(min),
    MaxLength(max),
    ValidateBy({
      name: 'noControlChars',
      validator: {
        validate: (v: unknown) => typeof v !== 'string' || !CONTROL_CHARS.test(v),
        defaultMessage: () => 'must not contain control characters',
      },
    }),
  );
}

/** A short code (region, campus, pickup point, locker): upper-cased. */
export function IsCode(opt: Opt = {}): PropertyDecorator {
  return applyDecorators(
    docs(opt, { type: String, example: opt.example ?? 'PKU', maxLength: 32 }),
    ...optional(opt),
    Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value)),
    IsString(),
    Matches(/^[A-Z0-9][A-Z0-9_-]{0,31}$/, { message: 'must be 1–32 letters, digits, "_" or "-"' }),
  );
}

export function IsOneOf<T extends string>(values: readonly T[], opt: Opt = {}): PropertyDecorator {
  return applyDecorators(
    docs(opt, { enum: values, type: String }),
    ...optional(opt),
    IsIn(values as unknown as T[], { message: `must be one of: ${values.join(', ')}` }),
  );
}

export function IsCount(opt: Opt & { min?: number; max?: number } = {}): PropertyDecorator {
  const min = opt.min ?? 0;
  const max = opt.max ?? 1_000_000;
  return applyDecorators(
    docs(opt, { type: 'integer', minimum: min, maximum: max }),
    ...optional(opt),
    IsInt({ message: 'must be an integer' }),
    Min(min),
    Max(max),
  );
}

/** Query-string integer (query values arrive as strings). */
export function ToInt(): PropertyDecorator {
  return Transform(({ value }) =>
    typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value,
  );
}

export function ToBool(): PropertyDecorator {
  return Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));
}

export type { ValidationOptions };
