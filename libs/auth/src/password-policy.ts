import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@campus/core';

/** What a new password must be: long, and not one that attackers try first. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

export type PasswordWeakness = 'too_short' | 'too_long' | 'common' | 'same_as_username' | 'unchanged';

/**
 * The strength rule, as a pure decision: length 10–200 (NIST SP 800-63B asks for at least 8; 10 keeps
 * every all-digit birthday and phone-number password out) and not in the shipped list of common
 * passwords (`common-passwords.txt`, compared case-insensitively), nor the username itself. No
 * composition rules (they push people to `Password1!`, and the list already refuses that).
 */
export function passwordWeakness(
  password: string,
  opts: { common: ReadonlySet<string>; username?: string; current?: string },
): PasswordWeakness | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (password.length > PASSWORD_MAX_LENGTH) return 'too_long';
  const lower = password.toLowerCase();
  if (opts.current !== undefined && password === opts.current) return 'unchanged';
  if (opts.username && lower === opts.username.toLowerCase()) return 'same_as_username';
  if (opts.common.has(lower)) return 'common';
  return null;
}

/** Reads the shipped list (`#` lines are comments). Next to this file in the source and in dist/. */
export function loadCommonPasswords(): ReadonlySet<string> {
  const candidates = [
    join(__dirname, 'common-passwords.txt'),
    join(process.cwd(), 'libs/auth/src/common-passwords.txt'),
  ];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new Error(`common-passwords.txt is missing (looked in ${candidates.join(', ')})`);
  const set = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const word = line.trim();
    if (word && !word.startsWith('#')) set.add(word.toLowerCase());
  }
  return set;
}

/** 400 naming `newPassword` when the password breaks the strength rule. */
export function assertStrong(
  common: ReadonlySet<string>,
  password: string,
  opts: { username?: string; current?: string; field?: string } = {},
): void {
  const weakness = passwordWeakness(password, { common, ...opts });
  if (!weakness) return;
  const field = opts.field ?? 'newPassword';
  const message = {
    too_short: `must be at least ${PASSWORD_MIN_LENGTH} characters long`,
    too_long: `must be at most ${PASSWORD_MAX_LENGTH} characters long`,
    common: 'is one of the most common passwords; choose another',
    same_as_username: 'must not be the username',
    unchanged: 'must differ from the current password',
  }[weakness];
  throw new ValidationError(
    [{ field, message, code: `password_${weakness}` }],
    `${field}: ${message}`,
    'weak_password',
  );
}

/** 14 characters from an alphabet without look-alikes (no 0/O, 1/l/I): about 80 bits. */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(28);
  let out = '';
  // 2 bytes per character keeps the modulo bias negligible (65536 mod 56 over 65536).
  for (let i = 0; i < 14; i++) out += alphabet[bytes.readUInt16BE(i * 2) % alphabet.length];
  return out;
}
