import { ConflictError } from '@campus/core';

export class CodeTakenError extends ConflictError {
  constructor(what: string, code: string) {
    super('code_taken', `A ${what} with code ${code} already exists`, { value: code });
  }
}
