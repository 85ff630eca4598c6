/** Small SVG pictures of integer tensors: a grid of values in grey levels, and a histogram of codes. */

/** A height × width grid of values in grey (lo black, hi white), each cell a square of `cell` px. */
export function GridPicture({
  values,
  width,
  height,
  lo,
  hi,
  label,
  testId,
  cell = 4,
}: {
  values: ArrayLike<number>;
  width: number;
  height: number;
  lo: number;
  hi: number;
  label: string;
  testId: string;
  cell?: number;
}) {
  const span = hi - lo || 1;
  const cells = [];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = Math.round((255 * (values[y * width + x]! - lo)) / span);
      cells.push(<rect key={y * width + x} x={x} y={y} width={1} height={1} fill={`rgb(${v},${v},${v})`} />);
    }
  return (
    <svg
      role="img"
      aria-label={label}
      data-testid={testId}
      viewBox={`0 0 ${width} ${height}`}
      width={width * cell}
      height={height * cell}
      shapeRendering="crispEdges"
      className="deploy-grid"
    >
      {cells}
    </svg>
  );
}

/** Counts per code from qmin up, as bars on a log scale (one code can hold most of a layer's values). */
export function CodeHistogram({
  counts,
  qmin,
  label,
  testId,
}: {
  counts: number[];
  qmin: number;
  label: string;
  testId: string;
}) {
  const [w, h] = [256, 48];
  const top = Math.log1p(Math.max(1, ...counts));
  const bar = w / counts.length;
  return (
    <svg role="img" aria-label={label} data-testid={testId} viewBox={`0 0 ${w} ${h}`} width={w} height={h}>
      <rect x={0} y={0} width={w} height={h} className="deploy-hist-bg" />
      {counts.map((c, k) =>
        c === 0 ? null : (
          <rect
            key={k}
            x={k * bar}
            y={h - (h * Math.log1p(c)) / top}
            width={Math.max(bar, 1)}
            height={(h * Math.log1p(c)) / top}
            className="deploy-hist-bar"
          >
            <title>{`code ${qmin + k}: ${c}`}</title>
          </rect>
        ),
      )}
    </svg>
  );
}
