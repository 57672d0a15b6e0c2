import { ArgumentMetadata, Injectable, PipeTransform, ValidationPipe } from '@nestjs/common';
import type { ValidationError as ClassValidatorError } from 'class-validator';
import { FieldError, isUuid, ValidationError } from '@campus/core';

/** lines.0.quantity → lines[0].quantity; an empty key is shown as "" so every error names a field. */
function fieldPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  if (property === '') return parent ? `${parent}[""]` : '""';
  return parent ? `${parent}.${property}` : property;
}

/** Rules that say what a value is come before the ones that say how big it may be. */
const CODE_PRIORITY = [
  'whitelistValidation',
  'isDefined',
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isIn',
  'isEnum',
  'isUuid',
  'isPhone',
  'isDateString',
  'isIso8601',
  'isObject',
  'isArray',
];

/** The one stable code of a field's problem (the rule a client translates: isPhone, min, …). */
export function fieldErrorCode(constraints: string[]): string {
  const code =
    CODE_PRIORITY.find((c) => constraints.some((k) => k.toLowerCase() === c.toLowerCase())) ?? constraints[0];
  return code === 'whitelistValidation' ? 'unknownField' : code;
}

export function flattenErrors(errors: ClassValidatorError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const path = fieldPath(parent, e.property);
    if (e.constraints) {
      const entries = Object.entries(e.constraints);
      const messages = entries.map(([key, msg]) =>
        key === 'whitelistValidation'
          ? 'is not a known field'
          : msg.replace(new RegExp(`^${e.property} `), ''),
      );
      out.push({ field: path, message: messages.join('; '), code: fieldErrorCode(entries.map(([k]) => k)) });
    }
    if (e.children?.length) out.push(...flattenErrors(e.children, path));
  }
  return out;
}

/** No DTO nests this deep; anything deeper is refused before it reaches the (recursive) transformer. */
export const MAX_BODY_DEPTH = 16;

/**
 * The checks no DTO can express, on any body, query or parameter: nesting deeper than MAX_BODY_DEPTH
 * (recursive transforms would overflow the stack) and NUL characters, which PostgreSQL cannot store in
 * text or jsonb. Each problem names its field instead of failing deep inside a transaction.
 */
export function inputProblems(value: unknown, path = '', depth = 0, out: FieldError[] = []): FieldError[] {
  if (out.length >= 20) return out;
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      out.push({ field: path || 'body', message: 'must not contain NUL characters' });
    return out;
  }
  if (value === null || typeof value !== 'object') return out;
  if (depth >= MAX_BODY_DEPTH) {
    out.push({ field: path || 'body', message: `is nested more than ${MAX_BODY_DEPTH} levels deep` });
    return out;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => inputProblems(v, `${path}[${i}]`, depth + 1, out));
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    const field = fieldPath(path, k.split('\u0000').join('\\0'));
    if (k.includes('\u0000')) out.push({ field, message: 'must not contain NUL characters' });
    else inputProblems(v, field, depth + 1, out);
  }
  return out;
}

/** Class-validator at the edge, after the checks no DTO can express. */
class EdgeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const problems = inputProblems(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
      if (problems.length) throw new ValidationError(problems);
    }
    return super.transform(value, metadata);
  }
}

/** Validation at the edge: unknown fields refused, every error names its field. */
export function createValidationPipe(): ValidationPipe {
  return new EdgeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationError(flattenErrors(errors)),
  });
}

/** A path parameter that must be a UUID: 400 naming the parameter otherwise. */
@Injectable()
export class UuidParam implements PipeTransform<string, string> {
  transform(value: string, meta: ArgumentMetadata): string {
    if (!isUuid(value)) throw ValidationError.field(meta.data ?? 'id', 'must be a UUID');
    return value;
  }
}
