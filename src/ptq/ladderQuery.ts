/**
 * A ladder request in a link's query (`?ws=ptq&ladder=…`, docs/ptq.md §10), e.g.
 * `bits.8-4_rungs.nearest-adaround_iters.500_qat.300`; the codec is src/experiment/optionsQuery.ts.
 */
import { optionsQuery, readBool, readInt, readIntList, readList } from '../experiment/optionsQuery';
import { LADDER_REQUEST_DEFAULTS, type LadderRequest, normalizeLadderRequest } from './ladderRequest';

const LADDER_QUERY = optionsQuery<LadderRequest>(
  'ladder',
  {
    bits: { key: 'weightBits', read: readIntList },
    rungs: { key: 'rungs', read: readList },
    iters: { key: 'adaroundIterations', read: readInt },
    calib: { key: 'calibSize', read: readInt },
    data: { key: 'calibData', read: (s) => s },
    pc: { key: 'perChannel', read: readBool },
    act: { key: 'actRange', read: (s) => s },
    qat: { key: 'qatSteps', read: readInt },
  },
  LADDER_REQUEST_DEFAULTS,
  normalizeLadderRequest,
);

/** The query value for `req`: its fields that differ from the defaults; '' when none do. */
export const encodeLadderQuery = (req: LadderRequest): string => LADDER_QUERY.encode(req);

/** The request a query value asks for (normalized), and what of it could not be read. */
export function decodeLadderQuery(value: string): { request: LadderRequest; warnings: string[] } {
  const { options, warnings } = LADDER_QUERY.decode(value);
  return { request: options, warnings };
}
