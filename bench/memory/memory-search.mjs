#!/usr/bin/env node
// Memory search benchmark: top-10 search over 10k and 100k memories of ONE user, on both
// vector backends of the memory service, against a same-run baseline (a plain brute-force scan
// in JS: number[] vectors, cosine with norms, full sort). Also the offline embedding throughput
// (USE-lite: single texts and batches of 32) against the hashing embedder.
//
//   sides (per size):
//     baseline     plain JS brute force over the same vectors
//     in-process   the service's exact path (InProcessVectors on real PostgreSQL: generation
//                  check + cached float32 matrix); cold load time reported separately
//     pgvector     the service's HNSW path (PgvectorIndex.search on embedded PGlite + pgvector),
//                  with recall@10 against the exact answer
//
//   npx tsc -b && node bench/memory/memory-search.mjs
//   env: PG_URL (postgres://postgres@127.0.0.1:5432/postgres), SIZES (10000,100000),
//        PGVECTOR_SIZES (10000; the 100k HNSW build in PGlite's WebAssembly takes ~10 minutes on
//        2 busy cores, so `make bench` leaves it out: PGVECTOR_SIZES=10000,100000 adds it),
//        DIM (512), QUERIES (50), EMBED (1: measure embeddings)
// Prints one JSON line.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';

const root = new URL('../../', import.meta.url);
const dist = (file) => new URL(`services/memory/dist/${file}`, root).href;
if (!existsSync(new URL(dist('store/pgvector.js')))) {
  console.error('services/memory/dist is missing: run `npx tsc -b` first');
  process.exit(2);
}
const { hashEmbed, createHashEmbedder } = await import(dist('embedding/hash-embedder.js'));
const { createLocalUseEmbedder } = await import(dist('embedding/local-use-embedder.js'));
const { InProcessVectors } = await import(dist('store/in-process.js'));
const { PgvectorIndex, detectPgvector } = await import(dist('store/pgvector.js'));
const { memoryMigrationsDir } = await import(dist('service.js'));
const { openEmbeddedPostgres, runMigrations, createLogger } = await import('@elwosa/runtime');
const pg = (await import('pg')).default;

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SIZES = (process.env.SIZES ?? '10000,100000').split(',').map(Number);
const PGVECTOR_SIZES = (process.env.PGVECTOR_SIZES ?? '10000').split(',').map(Number);
const DIM = Number(process.env.DIM ?? 512);
const QUERIES = Number(process.env.QUERIES ?? 50);
const K = 10;
const logger = createLogger({ level: 'silent' });
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);

// ---------------------------------------------------------------------------------------------
// Data: pseudo-sentences over a 3,000-word vocabulary, embedded with the hashing embedder
// (sparse-ish, clustered like real text vectors rather than uniform noise).

function prng(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const next = prng(2026);
const vocabulary = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}`);
const sentence = () =>
  Array.from(
    { length: 4 + Math.floor(next() * 10) },
    () => vocabulary[Math.floor(next() ** 2 * vocabulary.length)],
  ).join(' ');

function dataset(n) {
  const texts = Array.from({ length: n }, sentence);
  return { ids: texts.map(() => randomUUID()), texts, vectors: texts.map((t) => hashEmbed(t, DIM)) };
}

// ---------------------------------------------------------------------------------------------

const stats = (ms) => {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: round(at(0.5)), p95: round(at(0.95)), mean: round(s.reduce((a, b) => a + b, 0) / s.length) };
};
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

async function timeQueries(queries, run) {
  for (const q of queries.slice(0, 3)) await run(q); // warm-up
  const ms = [];
  const results = [];
  for (const q of queries) {
    const t0 = performance.now();
    results.push(await run(q));
    ms.push(performance.now() - t0);
  }
  return { ...stats(ms), results };
}

/** The plain baseline: number[] vectors, cosine with norms per pair, full sort. */
function bruteForce(plain, ids, query) {
  const scored = [];
  for (let i = 0; i < plain.length; i++) {
    const v = plain[i];
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let j = 0; j < v.length; j++) {
      ab += v[j] * query[j];
      aa += v[j] * v[j];
      bb += query[j] * query[j];
    }
    scored.push({ id: ids[i], score: ab / Math.sqrt(aa * bb) });
  }
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, K);
}

async function load(pool, userId, data) {
  const t0 = performance.now();
  for (let i = 0; i < data.ids.length; i += 1000) {
    const ids = data.ids.slice(i, i + 1000);
    await pool.query(
      `INSERT INTO memory.memories (id, user_id, kind, content, updated_at)
       SELECT id, $2, 'fact', content, now() FROM unnest($1::uuid[], $3::text[]) AS t(id, content)`,
      [ids, userId, data.texts.slice(i, i + 1000)],
    );
    await pool.query(
      `INSERT INTO memory.memory_embeddings (memory_id, user_id, model, dim, vector)
       SELECT id, $2, 'bench', $3, v::real[] FROM unnest($1::uuid[], $4::text[]) AS t(id, v)`,
      [ids, userId, DIM, data.vectors.slice(i, i + 1000).map((v) => `{${Array.from(v).join(',')}}`)],
    );
  }
  await pool.query(
    `INSERT INTO memory.vector_generations (user_id, generation) VALUES ($1, 1)
     ON CONFLICT (user_id) DO UPDATE SET generation = memory.vector_generations.generation + 1`,
    [userId],
  );
  await pool.query('ANALYZE memory.memory_embeddings');
  return performance.now() - t0;
}

const recallAt = (exact, approx) => {
  let hit = 0;
  let all = 0;
  for (const [i, e] of exact.entries()) {
    const got = new Set(approx[i].map((h) => h.id));
    for (const h of e) {
      all++;
      if (got.has(h.id)) hit++;
    }
  }
  return all === 0 ? 1 : round(hit / all, 4);
};

// ---------------------------------------------------------------------------------------------

async function withRealDatabase(run) {
  const name = `elwosa_bench_memory_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  try {
    await runMigrations({
      connectionString: url.toString(),
      schema: 'memory',
      migrationsDir: memoryMigrationsDir,
    });
    return await run(pool);
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function withEmbeddedDatabase(run) {
  const dir = await mkdtemp(path.join(tmpdir(), 'elwosa-bench-memory-'));
  const db = await openEmbeddedPostgres({ dataDir: dir, connectionTimeoutMillis: 600_000 });
  try {
    await runMigrations({
      connectionString: db.connectionString,
      schema: 'memory',
      migrationsDir: memoryMigrationsDir,
    });
    return await run(db.pool);
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function searchBench() {
  const out = [];
  for (const n of SIZES) {
    log(`== ${n} memories of one user (dim ${DIM})`);
    const data = dataset(n);
    const plain = data.vectors.map((v) => Array.from(v));
    const queries = Array.from({ length: QUERIES }, () => hashEmbed(sentence(), DIM));
    const space = { model: 'bench', dim: DIM };
    const row = { memories: n, dim: DIM, k: K, queries: QUERIES };

    const baseline = await timeQueries(queries, (q) => bruteForce(plain, data.ids, Array.from(q)));
    row.baselineMs = { p50: baseline.p50, p95: baseline.p95 };
    log(`baseline p50 ${baseline.p50} ms`);

    row.inProcess = await withRealDatabase(async (pool) => {
      const userId = randomUUID();
      const loadMs = await load(pool, userId, data);
      const vectors = new InProcessVectors(pool, 2 ** 31);
      const c0 = performance.now();
      await vectors.search({ userId, space, vector: queries[0], k: K, minScore: -1 });
      const coldMs = performance.now() - c0;
      const warm = await timeQueries(queries, (q) =>
        vectors.search({ userId, space, vector: q, k: K, minScore: -1 }),
      );
      const recall = recallAt(baseline.results, warm.results);
      log(`in-process p50 ${warm.p50} ms (cold ${round(coldMs)} ms, recall ${recall})`);
      return {
        p50: warm.p50,
        p95: warm.p95,
        recallAt10: recall,
        coldLoadMs: round(coldMs),
        insertMs: round(loadMs),
        speedupVsBaseline: round(baseline.p50 / warm.p50),
      };
    });

    if (PGVECTOR_SIZES.includes(n)) {
      row.pgvector = await withEmbeddedDatabase(async (pool) => {
        const schema = await detectPgvector(pool, logger);
        if (!schema) return { error: 'no pgvector' };
        const userId = randomUUID();
        const loadMs = await load(pool, userId, data);
        const index = new PgvectorIndex(pool, schema);
        const b0 = performance.now();
        await pool.query("SET maintenance_work_mem = '512MB'");
        await index.ensureIndex(space);
        const buildMs = performance.now() - b0;
        log(`pgvector index built in ${round(buildMs / 1000)} s`);
        const timed = await timeQueries(queries, (q) =>
          index.search({ userId, space, vector: q, k: K, minScore: -1 }),
        );
        const recall = recallAt(baseline.results, timed.results);
        log(`pgvector p50 ${timed.p50} ms (recall ${recall})`);
        return {
          p50: timed.p50,
          p95: timed.p95,
          recallAt10: recall,
          indexBuildS: round(buildMs / 1000),
          insertMs: round(loadMs),
          speedupVsBaseline: round(baseline.p50 / timed.p50),
        };
      });
    }
    out.push(row);
  }
  return out;
}

async function embeddingBench() {
  // Short English statements like the ones people and the agent store.
  const pick = (list) => list[Math.floor(next() * list.length)];
  const texts = Array.from(
    { length: 64 },
    () =>
      `${pick(['My', 'Our', 'The'])} ${pick(['sister', 'manager', 'neighbour', 'team', 'dentist'])} ${pick(['prefers', 'asked about', 'will bring', 'forgot', 'likes'])} ${pick(['green tea', 'the quarterly report', 'pizza on Fridays', 'the train to Berlin', 'a quiet desk'])} ${pick(['every morning', 'before the meeting', 'next Tuesday', 'in the evening', 'since March'])}.`,
  );
  const local = createLocalUseEmbedder();
  const r0 = process.memoryUsage().rss;
  const l0 = performance.now();
  await local.ready();
  const loadMs = performance.now() - l0;
  await local.embed(texts.slice(0, 4));
  const single = [];
  for (const t of texts) {
    const t0 = performance.now();
    await local.embed([t]);
    single.push(performance.now() - t0);
  }
  const batch = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    await local.embed(texts.slice((i % 2) * 32, (i % 2) * 32 + 32));
    batch.push(performance.now() - t0);
  }
  const hash = createHashEmbedder(DIM);
  const h0 = performance.now();
  for (let i = 0; i < 20; i++) await hash.embed(texts);
  const hashPerText = (performance.now() - h0) / (20 * texts.length);
  const s = stats(single);
  const b = stats(batch);
  return {
    model: local.model,
    loadMs: round(loadMs),
    rssAddedMB: Math.round((process.memoryUsage().rss - r0) / 2 ** 20),
    singleMs: { p50: s.p50, p95: s.p95 },
    singleTextsPerS: round(1000 / s.mean, 1),
    batch32Ms: { p50: b.p50, p95: b.p95 },
    batch32TextsPerS: round((32 * 1000) / b.mean, 1),
    baselineHashTextsPerS: Math.round(1000 / hashPerText),
  };
}

const loadAtStart = round(os.loadavg()[0], 2);
// Embeddings first: the model's RSS is measured before the search datasets fill the heap.
const embedding = process.env.EMBED === '0' ? undefined : await embeddingBench();
const search = await searchBench();
console.log(
  JSON.stringify({
    bench: 'memory',
    targets: { search10kMs: 10, search100kMs: 50, embedSingleMs: 30, embedBatch32Ms: 500 },
    search,
    embedding,
    loadAvg: { start: loadAtStart, end: round(os.loadavg()[0], 2) },
  }),
);
