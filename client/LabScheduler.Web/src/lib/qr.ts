// QR codes for the instruments' printed labels, made in the browser: the `qr` package encodes
// (loaded on first use, as a chunk of its own), and one SVG path draws the dark modules.

/** The QR modules of a text (true: dark), medium error correction, with the standard quiet zone of 4 modules. */
export async function qrMatrix(text: string): Promise<boolean[][]> {
  const { default: encodeQR } = await import('qr');
  return encodeQR(text, 'raw', { ecc: 'medium', border: 4 });
}

/** An SVG path of the dark modules, one unit per module. */
export function qrPath(matrix: boolean[][]): string {
  let d = '';
  matrix.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      if (!row[x]) continue;
      let run = 1;
      while (x + run < row.length && row[x + run]) run++;
      d += `M${x} ${y}h${run}v1h-${run}z`;
      x += run - 1;
    }
  });
  return d;
}

/** The address a label points at: the instrument's phone page. */
export function instrumentPageUrl(origin: string, instrumentId: string): string {
  return `${origin.replace(/\/$/, '')}/i/${encodeURIComponent(instrumentId)}`;
}
