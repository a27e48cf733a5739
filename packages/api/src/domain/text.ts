import { z } from 'zod';

/**
 * What any text input may hold, in one place. Every string a client sends goes through `text`:
 * well-formed Unicode (a lone surrogate would be stored as U+FFFD, so two different inputs would
 * become one name), no NUL or other control characters (they end or corrupt statements and
 * logs; multi-line text keeps newline and tab), normalised to NFC so that the same visible name
 * is the same string, trimmed where it is a name, then held to its length.
 */
export interface TextRules {
  max: number;
  /** Newlines and tabs allowed (comments); CRLF and CR become LF. Not trimmed inside. */
  multiline?: boolean;
  /** Leading and trailing white space dropped; on by default. */
  trim?: boolean;
  /** NFC normalisation; off only for secrets compared byte for byte (passwords). */
  normalize?: boolean;
  min?: number;
}

// Unicode's Cc category, plus (in names) the bidirectional overrides and isolates that make a
// name read differently from what it is ("Trojan Source").
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const NAME_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const MULTILINE_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export function text({
  max,
  multiline = false,
  trim = true,
  normalize = true,
  min = 1,
}: TextRules) {
  const forbidden = multiline ? MULTILINE_FORBIDDEN : NAME_FORBIDDEN;
  return z
    .string()
    .refine((s) => s.isWellFormed(), {
      message: 'must be well-formed Unicode (no lone surrogates)',
      abort: true,
    })
    .refine((s) => !forbidden.test(s), {
      message: multiline
        ? 'must not contain control characters other than newline and tab'
        : 'must not contain control or bidirectional formatting characters',
      abort: true,
    })
    .transform((s) => {
      let value = normalize ? s.normalize('NFC') : s;
      if (multiline) value = value.replace(/\r\n?/g, '\n');
      return trim ? value.trim() : value;
    })
    .pipe(
      z
        .string()
        .min(min, min === 1 ? 'is required' : `must be at least ${min} characters`)
        .max(max, `must be at most ${max} characters`),
    );
}
