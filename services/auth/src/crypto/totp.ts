// TOTP (RFC 6238: SHA-1, 6 digits, 30 s) through otpauth, with the accepted time step returned
// so callers can refuse a replayed code; backup codes are random, shown once, stored hashed.
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { sha256Hex } from './tokens.js';

const PERIOD_SECONDS = 30;
export const BACKUP_CODE_COUNT = 10;

function totpFor(secretBase32: string, label = 'user'): TOTP {
  return new TOTP({
    issuer: 'ELWOSA',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export async function enrolmentDetails(
  secretBase32: string,
  email: string,
): Promise<{ otpauthUri: string; qrDataUrl: string }> {
  const otpauthUri = totpFor(secretBase32, email).toString();
  return { otpauthUri, qrDataUrl: await QRCode.toDataURL(otpauthUri) };
}

/** The time step the code belongs to (current step ± 1), or undefined when it is wrong. */
export function acceptedTotpStep(secretBase32: string, code: string, now = Date.now()): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totpFor(secretBase32).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
}

/** A code for the given time (tests and the CLI's own checks). */
export function totpCode(secretBase32: string, now = Date.now()): string {
  return totpFor(secretBase32).generate({ timestamp: now });
}

/** `xxxxx-xxxxx` codes with 50 bits of entropy each; SHA-256 is enough to store them. */
export function newBackupCodes(): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz023456789'; // 32 symbols: no modulo bias
  return Array.from({ length: BACKUP_CODE_COUNT }, () => {
    const bytes = randomBytes(10);
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export function hashBackupCode(code: string): string {
  return sha256Hex(code.trim().toLowerCase());
}

export function looksLikeBackupCode(code: string): boolean {
  return /^[a-z0-9]{5}-[a-z0-9]{5}$/i.test(code.trim());
}
