/** One field at fault in a 400 answer. */
export interface FieldError {
  field: string;
  message: string;
  /** The rule broken, stable for clients to translate: `isPhone`, `min`, `password_common`, … */
  code?: string;
}

/**
 * An expected failure of a business operation. Each subclass carries the HTTP status it maps to;
 * the API's one exception filter turns it into problem+json. Unexpected failures are plain Errors.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;

  constructor(
    readonly code: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly status = 400;
  readonly title = 'Invalid input';

  constructor(
    readonly errors: FieldError[],
    detail = errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    code = 'validation_failed',
  ) {
    super(code, detail, { errors });
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly title = 'Not signed in';
  constructor(detail = 'Missing or invalid credentials', code = 'unauthorized') {
    super(code, detail);
  }
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly title = 'Not allowed';
  constructor(detail = 'Your role may not do this', code = 'forbidden') {
    super(code, detail);
  }
}

/** Missing, or outside the caller's scope: the two are deliberately indistinguishable. */
export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly title = 'Not found';
  constructor(
    readonly resource: string,
    id?: string,
  ) {
    super('not_found', id ? `${resource} ${id} was not found` : `${resource} was not found`, { resource });
  }
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly title = 'Conflict';
}

export class IllegalTransitionError extends DomainError {
  readonly status = 409;
  readonly title = 'Illegal state change';
  constructor(
    readonly entity: string,
    readonly currentStatus: string,
    readonly action: string,
  ) {
    super('illegal_transition', `Cannot ${action} a ${entity} that is ${currentStatus}`, {
      currentStatus,
      action,
    });
  }
}

export class OutOfStockError extends DomainError {
  readonly status = 409;
  readonly title = 'Not enough stock';
  constructor(
    readonly sku: string,
    readonly available: number,
    readonly requested: number,
  ) {
    super('out_of_stock', `Not enough stock for ${sku}: ${available} available, ${requested} requested`, {
      sku,
      available,
      requested,
    });
  }
}

/** Well-formed but refused by a business rule (422). */
export class BusinessRuleError extends DomainError {
  readonly status = 422;
  readonly title = 'Refused by a business rule';
}

export class RateLimitedError extends DomainError {
  readonly status = 429;
  readonly title = 'Too many requests';
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
    code = 'rate_limited',
  ) {
    super(code, detail, { retryAfterSeconds });
  }
}

/**
 * A dependency (the database) is unreachable: 503 with Retry-After. The request may be repeated as
 * it was; in particular a valid token stays valid (never 401 because of an outage).
 */
export class ServiceUnavailableError extends DomainError {
  readonly status = 503;
  readonly title = 'Service unavailable';
  constructor(
    detail = 'The service cannot reach its database right now; try again shortly',
    readonly retryAfterSeconds = 5,
    code = 'service_unavailable',
  ) {
    super(code, detail, { retryAfterSeconds });
  }
}
