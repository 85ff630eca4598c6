/**
 * The link payload's compression: lz-string's LZW bit stream in the base64url alphabet
 * (A–Z a–z 0–9 - _), which survives chat apps, e-mail and `encodeURIComponent` unchanged. Encoding
 * is lz-string's own; decoding is a bounded copy of its decoder, because links are hostile input
 * and LZW output can grow quadratically in its input (lz-string itself has no cap).
 */
import { compressToEncodedURIComponent } from 'lz-string';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CHAR_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64URL.length; i++) CHAR_VALUE[BASE64URL.charCodeAt(i)] = i;

/** Compresses `json` into a base64url payload. */
export function compress(json: string): string {
  // lz-string's URI alphabet is base64's with '+' and '-' at 62 and 63; map them to base64url's.
  return compressToEncodedURIComponent(json).replace(/[+-]/g, (c) => (c === '+' ? '-' : '_'));
}

/** Result of {@link decompressBounded}. */
export type Inflated = { ok: true; text: string } | { ok: false; reason: 'corrupt' | 'too-large' };

/**
 * lz-string's LZW decoder (`_decompress`, 6 bits per base64url character) with an output cap.
 * Same output as `decompressFromEncodedURIComponent` on valid input; stops as soon as the output
 * passes `maxChars`. Each loop reads at least 2 input bits, so it ends within 3·input.length rounds.
 */
export function decompressBounded(input: string, maxChars: number): Inflated {
  const values = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    const v = code < 128 ? CHAR_VALUE[code] : -1;
    if (v < 0) return { ok: false, reason: 'corrupt' };
    values[i] = v;
  }
  if (input.length === 0) return { ok: false, reason: 'corrupt' };
  let val = values[0];
  let position = 32;
  let index = 1;
  const readBits = (n: number): number => {
    let bits = 0;
    for (let i = 0; i < n; i++) {
      const bit = val & position;
      position >>= 1;
      if (position === 0) {
        position = 32;
        val = index < values.length ? values[index] : 0;
        index++;
      }
      if (bit) bits |= 1 << i;
    }
    return bits;
  };
  const dictionary: string[] = ['', '', ''];
  let enlargeIn = 4;
  let numBits = 3;
  const first = readBits(2);
  // 2 ends an (empty) stream and 3 is not a valid first code: neither can start a link.
  if (first >= 2) return { ok: false, reason: 'corrupt' };
  let w = String.fromCharCode(readBits(first === 0 ? 8 : 16));
  dictionary[3] = w;
  const result = [w];
  let length = w.length;
  for (;;) {
    if (index > values.length) return { ok: false, reason: 'corrupt' };
    let c = readBits(numBits);
    if (c === 2) return { ok: true, text: result.join('') };
    if (c === 0 || c === 1) {
      dictionary.push(String.fromCharCode(readBits(c === 0 ? 8 : 16)));
      c = dictionary.length - 1;
      if (--enlargeIn === 0) enlargeIn = 2 ** numBits++;
    }
    let entry: string;
    if (c > 2 && c < dictionary.length) entry = dictionary[c];
    else if (c === dictionary.length) entry = w + w.charAt(0);
    else return { ok: false, reason: 'corrupt' };
    length += entry.length;
    if (length > maxChars) return { ok: false, reason: 'too-large' };
    result.push(entry);
    dictionary.push(w + entry.charAt(0));
    if (--enlargeIn === 0) enlargeIn = 2 ** numBits++;
    w = entry;
  }
}
