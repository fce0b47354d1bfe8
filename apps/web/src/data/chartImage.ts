/*
 * A chart as a PNG: its SVG is cloned with the computed styles written onto every element (the page's
 * CSS variables and stylesheets do not travel with a standalone SVG), drawn on a canvas at twice the
 * screen resolution over the card's background, with the chart's title above it.
 */
const STYLE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
] as const;

/** The chart's main SVG: the largest one in the container (legend icons are small SVGs too). */
export function mainSvg(container: HTMLElement): SVGSVGElement | null {
  let best: SVGSVGElement | null = null;
  let bestArea = 0;
  for (const svg of container.querySelectorAll('svg')) {
    const box = svg.getBoundingClientRect();
    if (box.width * box.height > bestArea) {
      best = svg;
      bestArea = box.width * box.height;
    }
  }
  return best;
}

export async function svgToPng(svg: SVGSVGElement, title: string): Promise<Blob> {
  const box = svg.getBoundingClientRect();
  const width = Math.ceil(box.width);
  const height = Math.ceil(box.height);
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const sources = [svg, ...svg.querySelectorAll('*')];
  const targets = [clone, ...clone.querySelectorAll('*')];
  sources.forEach((source, i) => {
    const target = targets[i];
    if (!(target instanceof SVGElement)) return;
    const computed = getComputedStyle(source);
    for (const property of STYLE_PROPERTIES)
      target.style.setProperty(property, computed.getPropertyValue(property));
  });
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const markup = new XMLSerializer().serializeToString(clone);
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
  await image.decode();

  const scale = 2;
  const header = 36;
  const pad = 12;
  const canvas = document.createElement('canvas');
  canvas.width = (width + pad * 2) * scale;
  canvas.height = (height + header + pad) * scale;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser cannot draw on a canvas.');
  context.scale(scale, scale);
  const page = getComputedStyle(document.documentElement);
  context.fillStyle = page.getPropertyValue('--panel').trim() || '#ffffff';
  context.fillRect(0, 0, width + pad * 2, height + header + pad);
  context.fillStyle = page.getPropertyValue('--text').trim() || '#111111';
  context.font = `600 15px ${page.fontFamily}`;
  context.fillText(title, pad, 24);
  context.drawImage(image, pad, header, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The image could not be made.'))),
      'image/png',
    ),
  );
}

/** Saves a blob under a file name through a temporary link. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(text: string, fileName: string, type = 'text/csv;charset=utf-8'): void {
  downloadBlob(new Blob([text], { type }), fileName);
}
