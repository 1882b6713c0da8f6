import { describe, expect, it } from 'vitest';
import decodeQR from 'qr/decode.js';
import { instrumentPageUrl, qrMatrix, qrPath } from '../src/lib/qr';

// Draws the label's SVG path as the printer would (4 px per module, white quiet zone) and reads it
// back with an independent decoder.
function rasterize(path: string, modules: number, scale = 4) {
  const size = modules * scale;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  for (const m of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    const [x0, y, run] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let py = y * scale; py < (y + 1) * scale; py++) {
      for (let px = x0 * scale; px < (x0 + run) * scale; px++) {
        const i = (py * size + px) * 4;
        data[i] = data[i + 1] = data[i + 2] = 0;
      }
    }
  }
  return { width: size, height: size, data };
}

describe('qr', () => {
  it('qrPath_LabelOfAnInstrument_DecodesToItsPhonePage', async () => {
    const url = instrumentPageUrl('http://127.0.0.1:5080/', 'novosibirsk-krios');
    expect(url).toBe('http://127.0.0.1:5080/i/novosibirsk-krios');
    const matrix = await qrMatrix(url);
    const image = rasterize(qrPath(matrix), matrix.length);
    expect(decodeQR(image)).toBe(url);
  });

  it('qrPath_RunsOfDarkModules_OneRectanglePerRun', () => {
    expect(qrPath([[true, true, false, true]])).toBe('M0 0h2v1h-2zM3 0h1v1h-1z');
  });
});
