/**
 * Zod pieces for forms whose inputs hold strings: each turns the text into what the API takes, with
 * messages in plain words. Empty optional numbers and lists are left out of the API input.
 */
import { z } from 'zod';

export function intText(what: string, min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, `Enter a whole number for ${what}.`)
    .refine((v) => Number(v) >= min && Number(v) <= max, `${what} must be ${min} to ${max}.`);
}

export function optionalIntText(what: string, min: number, max: number) {
  return z
    .string()
    .trim()
    .refine((v) => v === '' || /^\d+$/.test(v), `Enter a whole number for ${what}, or leave it empty.`)
    .refine((v) => v === '' || (Number(v) >= min && Number(v) <= max), `${what} must be ${min} to ${max}.`);
}

/** "a, b c" -> ['a', 'b', 'c'] (commas or spaces between items). */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A number from form text, or undefined when empty. */
export function numberOrUndefined(text: string | undefined): number | undefined {
  const t = (text ?? '').trim();
  return t === '' ? undefined : Number(t);
}

export const TAG_KEY_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
export const TAG_VALUE_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

export const tagRowSchema = z.object({
  key: z.string().regex(TAG_KEY_RE, 'A tag key has 1-128 letters, digits, spaces or _.:/=+-@.'),
  value: z.string().regex(TAG_VALUE_RE, 'A tag value has up to 256 letters, digits, spaces or _.:/=+-@.'),
});
