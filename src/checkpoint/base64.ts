/**
 * Base64 of the checkpoint's binary weight data, as tfjs's local-storage handler stores
 * `weightData` (its own helpers are internal to tfjs-core). `btoa`/`atob` exist in browsers,
 * workers and Node ≥ 16, so this file runs everywhere the core does.
 */

/** Characters per `String.fromCharCode` call: well below the engines' argument limits. */
const CHUNK = 0x8000;

/** Base64 text of `bytes`. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK)
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** The bytes of base64 `text`, or null when it is not base64. */
export function base64ToBytes(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
