// Decodes PostgreSQL's binary array format (array_send) of a one-dimensional REAL[] into a
// Float32Array: much cheaper than the text format for loading many vectors at once.
//   int32 ndim, int32 hasNull, oid elemType, per dimension int32 length + int32 lowerBound,
//   then per element int32 byteLength (4, or −1 for NULL) + float4 big-endian.

const FLOAT4_OID = 700;

export function decodeFloat4Array(buf: Buffer): Float32Array {
  const ndim = buf.readInt32BE(0);
  if (ndim === 0) return new Float32Array(0);
  if (ndim !== 1) throw new Error(`expected a one-dimensional array, got ${ndim} dimensions`);
  if (buf.readUInt32BE(8) !== FLOAT4_OID) throw new Error('expected a REAL[] array');
  const n = buf.readInt32BE(12);
  const out = new Float32Array(n);
  let offset = 20;
  for (let i = 0; i < n; i++) {
    if (buf.readInt32BE(offset) !== 4) throw new Error('NULL or malformed element in a vector');
    out[i] = buf.readFloatBE(offset + 4);
    offset += 8;
  }
  return out;
}
