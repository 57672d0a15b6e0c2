import { ArgumentMetadata, Injectable, PipeTransform, ValidationPipe } from '@nestjs/common';
import type { ValidationError as ClassValidatorError } from 'class-validator';
import { FieldError, isUuid, ValidationError } from '@campus/core';

/** lines.0.quantity → lines[0].quantity */
function fieldPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

export function flattenErrors(errors: ClassValidatorError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const path = fieldPath(parent, e.property);
    if (e.constraints) {
      const messages = Object.entries(e.constraints).map(([key, msg]) =>
        key === 'whitelistValidation'
          ? 'is not a known field'
          : msg.replace(new RegExp(`^${e.property} `), ''),
      );
      out.push({ field: path, message: messages.join('; ') });
    }
    if (e.children?.length) out.push(...flattenErrors(e.children, path));
  }
  return out;
}

/** Validation at the edge: unknown fields refused, every error names its field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
