// Extracts one entry of a zip file with Node's zlib (for machines without unzip).
// usage: node hack/unzip-entry.mjs <archive.zip> <entry> <output file>
import { readFileSync, writeFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const [archive, entry, output] = process.argv.slice(2);
if (!archive || !entry || !output) {
  console.error('usage: node hack/unzip-entry.mjs <archive.zip> <entry> <output file>');
  process.exit(2);
}
const zip = readFileSync(archive);
// End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
let eocd = -1;
for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
  if (zip.readUInt32LE(i) === 0x06054b50) {
    eocd = i;
    break;
  }
}
if (eocd < 0) throw new Error(`${archive}: not a zip file`);
const entries = zip.readUInt16LE(eocd + 10);
let at = zip.readUInt32LE(eocd + 16);
for (let n = 0; n < entries; n++) {
  if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${archive}: bad central directory`);
  const method = zip.readUInt16LE(at + 10);
  const compressed = zip.readUInt32LE(at + 20);
  const nameLength = zip.readUInt16LE(at + 28);
  const extraLength = zip.readUInt16LE(at + 30);
  const commentLength = zip.readUInt16LE(at + 32);
  const local = zip.readUInt32LE(at + 42);
  const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
  if (name === entry) {
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + compressed);
    if (method !== 0 && method !== 8) throw new Error(`${entry}: compression method ${method} not supported`);
    writeFileSync(output, method === 8 ? inflateRawSync(data) : data);
    process.exit(0);
  }
  at += 46 + nameLength + extraLength + commentLength;
}
throw new Error(`${entry} not found in ${archive}`);
