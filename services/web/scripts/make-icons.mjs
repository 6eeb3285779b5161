// Draws the app icons (PNG, for the manifest and iOS) the same as public/icons/icon.svg: a blue
// rounded square with a white check mark. Pure Node (zlib), no image libraries:
// `node scripts/make-icons.mjs` rewrites public/icons/icon-{192,512}.png and the maskable one.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BLUE = [31, 78, 140];
const WHITE = [255, 255, 255];

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

/** Distance from point p to the segment a–b. */
const segDist = (px, py, ax, ay, bx, by) => {
  const t = Math.max(
    0,
    Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
  );
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
};

function icon(size, { maskable }) {
  const s = size / 512;
  const radius = maskable ? 0 : 96 * s;
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const cx = Math.max(radius, Math.min(size - radius, x + 0.5));
      const cy = Math.max(radius, Math.min(size - radius, y + 0.5));
      const inside = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= radius || radius === 0;
      const u = (x + 0.5) / s;
      const v = (y + 0.5) / s;
      const check = Math.min(segDist(u, v, 150, 270, 225, 345), segDist(u, v, 225, 345, 370, 180)) <= 34;
      const color = check ? WHITE : BLUE;
      const o = 1 + x * 4;
      row[o] = color[0];
      row[o + 1] = color[1];
      row[o + 2] = color[2];
      row[o + 3] = inside ? 255 : 0;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const dir = new URL('../public/icons/', import.meta.url);
writeFileSync(new URL('icon-192.png', dir), icon(192, { maskable: false }));
writeFileSync(new URL('icon-512.png', dir), icon(512, { maskable: false }));
writeFileSync(new URL('icon-maskable-512.png', dir), icon(512, { maskable: true }));
