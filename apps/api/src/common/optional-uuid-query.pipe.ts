import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { isUuid, ValidationError } from '@campus/core';

/** An optional UUID in the query string: 400 naming it when present and malformed. */
@Injectable()
export class OptionalUuidQuery implements PipeTransform<unknown, string | undefined> {
  transform(value: unknown, meta: ArgumentMetadata): string | undefined {
    if (value === undefined || value === '') return undefined;
    if (!isUuid(value)) throw ValidationError.field(meta.data ?? 'id', 'must be a UUID');
    return value;
  }
}
