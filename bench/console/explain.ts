import type { Pool } from 'pg';

/**
 * The registry's reads behind one Versions page, written out as the store sends them (version-,
 * tag- and usage-queries), each with the plan PostgreSQL chose and its execution time: the
 * check that every one is an index read whatever the number of versions.
 */
export async function explainVersionsPage(pool: Pool, model: string): Promise<string[]> {
  const { rows: page } = await pool.query<{ digest: string; seq: string }>('SELECT digest, seq FROM versions WHERE model = $1 ORDER BY seq DESC LIMIT 50', [model]);
  const { rows: middle } = await pool.query<{ seq: string }>('SELECT seq FROM versions WHERE model = $1 ORDER BY seq DESC OFFSET 5000 LIMIT 1', [model]);
  const digests = page.map((r) => r.digest);
  const cols = 'seq, model, digest, semver, status, size, file_count, lineage, metrics, tags, description, created_at, created_by';
  const queries: Array<[string, string, unknown[]]> = [
    ['versions, first page', `SELECT ${cols} FROM versions WHERE model = $1 ORDER BY seq DESC LIMIT 51`, [model]],
    ['versions, page at row 5 000 (cursor)', `SELECT ${cols} FROM versions WHERE model = $1 AND seq < $2 ORDER BY seq DESC LIMIT 51`, [model, middle[0]?.seq ?? 0]],
    ['versions, tag=variant=v3', `SELECT ${cols} FROM versions WHERE model = $1 AND tags @> $2::jsonb ORDER BY seq DESC LIMIT 51`, [model, '{"variant":"v3"}']],
    ['versions, a tag no version has', `SELECT ${cols} FROM versions WHERE model = $1 AND tags @> $2::jsonb ORDER BY seq DESC LIMIT 51`, [model, '{"variant":"none"}']],
    ['aliases of the page', 'SELECT digest, alias FROM aliases WHERE model = $1 AND digest = ANY($2) ORDER BY alias', [model, digests]],
    [
      'serving of the page (served?digest=…)',
      `SELECT s.*, v.semver FROM serving_summary s JOIN versions v ON v.model = s.model AND v.digest = s.digest
       WHERE s.model = $1 AND s.digest = ANY($2) ORDER BY s.last_served_at DESC, s.digest DESC LIMIT 50`,
      [model, digests],
    ],
    [
      'newest evaluation per served row',
      `SELECT (e.result->'overall'->>'accuracy')::float8 FROM evaluations e WHERE e.model = $1 AND e.digest = $2 ORDER BY e.created_at DESC LIMIT 1`,
      [model, digests[0]],
    ],
  ];
  const out: string[] = [];
  for (const [label, text, params] of queries) {
    const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS OFF) ${text}`, params);
    const lines = rows.map((r) => r['QUERY PLAN']);
    const nodes = lines.filter((l) => /Scan|Sort|Join|Loop|Limit/.test(l)).map((l) => l.trim().replace(/\s+\(cost=.*$/, '').replace(/^->\s*/, ''));
    const time = lines.find((l) => l.startsWith('Execution Time'))?.replace('Execution Time: ', '') ?? '?';
    out.push(`  ${label}: ${time}; ${nodes.join(' > ')}`);
  }
  return out;
}
