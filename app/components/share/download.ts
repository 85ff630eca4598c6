/**
 * Browser downloads: a Blob through a temporary `<a download>`, and any chart's SVG as a PNG
 * (serialized, drawn on a canvas at device resolution on a white background).
 */

/** Saves `data` as a file named `fileName` (Blob + object URL + `<a download>`). */
export function downloadBlob(data: Blob, fileName: string): void {
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled (Chromium reads the URL asynchronously).
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves `text` as a file (`type` e.g. `text/csv`). */
export function downloadText(text: string, fileName: string, type: string): void {
  downloadBlob(new Blob([text], { type: `${type};charset=utf-8` }), fileName);
}

/** The chart's main SVG: the largest `<svg>` inside the container (recharts' surface, not an icon). */
function chartSvg(container: Element): SVGSVGElement | null {
  const svgs = [...container.querySelectorAll('svg')];
  const area = (s: SVGSVGElement) => s.getBoundingClientRect().width * s.getBoundingClientRect().height;
  return svgs.sort((a, b) => area(b) - area(a))[0] ?? null;
}

/**
 * Renders the chart in `container` (any element holding a recharts SVG) to a PNG download named
 * `fileName`. Resolves false when the container holds no chart. Text is drawn in the page's font
 * stack; recharts sets colours as attributes, so no stylesheet has to be inlined.
 */
export async function exportChartPng(container: Element | null, fileName: string): Promise<boolean> {
  const svg = container ? chartSvg(container) : null;
  if (!svg) return false;
  const { width, height } = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.style.fontFamily = getComputedStyle(svg).fontFamily;
  const svgUrl = URL.createObjectURL(
    new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }),
  );
  try {
    const img = new Image();
    img.src = svgUrl;
    await img.decode();
    const scale = Math.max(1, window.devicePixelRatio || 1);
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) return false;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const png = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!png) return false;
    downloadBlob(png, fileName);
    return true;
  } finally {
    URL.revokeObjectURL(svgUrl);
  }
}
