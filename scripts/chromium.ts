/**
 * Which Chromium the end-to-end tests and the browser bench drive, in this order:
 *   1. QUANT_LAB_CHROMIUM, a path to any Chromium build;
 *   2. a system Chromium (Debian's /usr/bin/chromium and the usual other names);
 *   3. the Chromium shipped inside the `@sparticuz/chromium` devDependency, unpacked on first use
 *      into the OS temp folder (about 2 s, once per machine boot).
 * Nothing is downloaded: the third is a binary inside an npm package, so `npm install && npm test`
 * passes on a machine that has Node and nothing else.
 */
import { accessSync, constants } from 'node:fs';

export interface FoundChromium {
  path: string;
  /** Where it came from, for the log line. */
  source: 'QUANT_LAB_CHROMIUM' | 'system' | '@sparticuz/chromium';
}

export const SYSTEM_CHROMIUM = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  system: readonly string[] = SYSTEM_CHROMIUM,
): Promise<FoundChromium> {
  const named = env.QUANT_LAB_CHROMIUM;
  if (named) {
    if (!executable(named)) throw new Error(`QUANT_LAB_CHROMIUM=${named} is not an executable file`);
    return { path: named, source: 'QUANT_LAB_CHROMIUM' };
  }
  const found = system.find(executable);
  if (found) return { path: found, source: 'system' };
  let packaged: { executablePath(): Promise<string> };
  try {
    packaged = (await import('@sparticuz/chromium')).default;
  } catch (e) {
    throw new Error(
      `no Chromium found: QUANT_LAB_CHROMIUM is unset, none of ${system.join(', ')} exists, and @sparticuz/chromium is not installed (run npm install): ${(e as Error).message}`,
      { cause: e },
    );
  }
  return { path: await packaged.executablePath(), source: '@sparticuz/chromium' };
}

/** Headless flags: no GPU, and no background connections (this machine's closed network refuses them). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
