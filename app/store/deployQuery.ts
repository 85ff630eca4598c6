/**
 * The Deploy workspace's options in a link's query (`?ws=deploy&deploy=bias.8_digit.12`): only what
 * differs from the defaults (src/experiment/optionsQuery.ts), so a link opens the same digit with
 * the same bias.
 */
import { optionsQuery, readInt } from '../../src/experiment/optionsQuery';
import { DEPLOY_DEFAULTS, type DeployOptions, normalizeDeployOptions } from './deploySlice';
import type { LabStore } from './index';

/** The query parameter holding the options. */
export const DEPLOY_PARAM = 'deploy';

const DEPLOY_QUERY = optionsQuery<DeployOptions>(
  'deploy',
  { bias: { key: 'biasFracBits', read: readInt }, digit: { key: 'digit', read: readInt } },
  DEPLOY_DEFAULTS,
  normalizeDeployOptions,
);

export const encodeDeployQuery = (o: DeployOptions): string => DEPLOY_QUERY.encode(o);
export const decodeDeployQuery = (value: string) => DEPLOY_QUERY.decode(value);

/** `search` with the deploy options set to `o` (dropped at the defaults); every other parameter kept. */
export function deploySearch(search: string, o: DeployOptions): string {
  const params = new URLSearchParams(search);
  const value = encodeDeployQuery(o);
  if (value) params.set(DEPLOY_PARAM, value);
  else params.delete(DEPLOY_PARAM);
  return params.size ? `?${params}` : '';
}

/** Sets the deploy options the address asks for; what it could not read becomes a link warning. */
export function applyDeployQuery(store: LabStore, search: string): void {
  const value = new URLSearchParams(search).get(DEPLOY_PARAM);
  if (value === null) return;
  const { options, warnings } = decodeDeployQuery(value);
  store.getState().setDeployOptions(options);
  if (warnings.length) store.setState((s) => ({ linkWarnings: [...s.linkWarnings, ...warnings] }));
}
