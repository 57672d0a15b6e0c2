import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';

/**
 * Shorthands for the response view classes (`*.views.ts`): they document what the routes answer so
 * that the OpenAPI document, and the console's client generated from it, carry the response types.
 */
export const Str = (opts: ApiPropertyOptions = {}) =>
  ApiProperty({ type: String, ...opts } as ApiPropertyOptions);
export const NullableStr = (opts: ApiPropertyOptions = {}) =>
  ApiProperty({ type: String, nullable: true, ...opts } as ApiPropertyOptions);
export const Id = () => ApiProperty({ type: String, format: 'uuid' });
export const NullableId = () => ApiProperty({ type: String, format: 'uuid', nullable: true });
export const Int = (opts: ApiPropertyOptions = {}) =>
  ApiProperty({ type: 'integer', ...opts } as ApiPropertyOptions);
export const NullableInt = (opts: ApiPropertyOptions = {}) =>
  ApiProperty({ type: 'integer', nullable: true, ...opts } as ApiPropertyOptions);
export const Bool = (opts: ApiPropertyOptions = {}) =>
  ApiProperty({ type: Boolean, ...opts } as ApiPropertyOptions);
export const Json = (opts: ApiPropertyOptions = {}) =>
  ApiProperty({ type: 'object', additionalProperties: true, nullable: true, ...opts } as ApiPropertyOptions);
export const Time = () => ApiProperty({ type: String, format: 'date-time' });
export const NullableTime = () => ApiProperty({ type: String, format: 'date-time', nullable: true });
export const Enum = (values: readonly string[], opts: ApiPropertyOptions = {}) =>
  ApiProperty({ enum: [...values], ...opts } as ApiPropertyOptions);
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Cls = Function;
export const Obj = (type: Cls, opts: ApiPropertyOptions = {}) =>
  ApiProperty({ type, ...opts } as ApiPropertyOptions);
export const List = (type: Cls) => ApiProperty({ type, isArray: true } as ApiPropertyOptions);
export const NextCursor = () =>
  ApiProperty({ type: String, nullable: true, description: 'null on the last page' });
