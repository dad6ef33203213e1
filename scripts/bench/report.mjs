// The benchmark's tables (scripts/bench.sh): reads the samples TSV (line, wall seconds, rows, bytes, peak
// RSS bytes, in-step seconds when the process reports its own time; one line per process) and prints, in
// markdown, the median of each line and the issue #13 targets (ratios and 128 MiB per step).
//   node report.mjs SAMPLES.tsv RUNS "NOTE"
import { readFileSync } from 'node:fs';

const [file, runs, note] = process.argv.slice(2);
const lines = new Map();
for (const row of readFileSync(file, 'utf8').trim().split('\n')) {
  const [line, seconds, rows, bytes, rss, own] = row.split('\t');
  if (!lines.has(line)) lines.set(line, []);
  lines.get(line).push({ seconds: Number(seconds), rows: Number(rows), bytes: Number(bytes), rss: Number(rss), own: own ? Number(own) : NaN });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stat = new Map([...lines].map(([line, xs]) => [line, {
  seconds: median(xs.map((x) => x.seconds)), rows: xs[0].rows, bytes: xs[0].bytes, rss: Math.max(...xs.map((x) => x.rss)),
  own: median(xs.map((x) => x.own)),
}]));
const f = (x, d = 2) => x.toFixed(d);
const n = (x) => Math.round(x).toLocaleString('en-US');

console.log(`| line | wall, median of ${runs} (s) | in-step (s) | rows | rows/s | MB/s | peak RSS (MiB) |`);
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const [line, s] of stat) {
  const rate = s.rows ? n(s.rows / s.seconds) : '';
  const mbs = s.bytes ? f(s.bytes / s.seconds / 1e6, 1) : '';
  console.log(`| ${line} | ${f(s.seconds)} | ${Number.isNaN(s.own) ? '' : f(s.own)} | ${s.rows ? n(s.rows) : ''} | ${rate} | ${mbs} | ${f(s.rss / 1048576, 0)} |`);
}
console.log(`\nWall: process start to exit (runtime start-up, S3 transfers included); rows/s and MB/s are of the line's input over`
  + ` the wall time. In-step: the time the process reports for its own work (the step's timing; DuckDB's from instance creation`
  + ` to the last COPY; for \`run\`, its total, upload to landing included). Peak RSS: the highest of the runs. ${note}\n`);

const t = (line) => stat.get(line)?.seconds ?? NaN;
const duckCsv = t('DuckDB clean → CSV');
const duckBoth = t('DuckDB clean → CSV + Parquet');
const plain = t('plain LOAD DATA (mariadb client)');
const targets = [
  ['preprocess, local', 'DuckDB clean → CSV', t('preprocess, local'), duckCsv, 0.2],
  ['archive, local', 'DuckDB processed CSV → Parquet', t('archive, local'), t('DuckDB processed CSV → Parquet'), 0.5],
  ['archive, local', 'DuckDB (clean → CSV + Parquet) − (clean → CSV)', t('archive, local'), duckBoth - duckCsv, 0.5],
  ['load, S3 → MySQL', 'plain LOAD DATA (mariadb client)', t('load, S3 → MySQL'), plain, 1.0],
  ['run (whole) --s3 --mysql', 'DuckDB clean → CSV + Parquet, then plain LOAD DATA', t('run (whole) --s3 --mysql'), duckBoth + plain, 0.6],
  ['run (whole, keep_first) --s3 --mysql', 'DuckDB clean → CSV + Parquet, then plain LOAD DATA',
    t('run (whole, keep_first) --s3 --mysql'), duckBoth + plain, 0.6],
];
console.log('| target | ours (s) | peer | peer (s) | ratio | target | |');
console.log('|---|---:|---|---:|---:|---:|---|');
for (const [ours, peer, a, b, limit] of targets) {
  const ratio = a / b;
  const verdict = b > 0 ? (ratio <= limit ? 'PASS' : 'MISS') : 'n/a (peer difference ≤ 0)';
  console.log(`| ${ours} | ${f(a)} | ${peer} | ${f(b)} | ${b > 0 ? f(ratio) + '×' : ''} | ≤ ${limit}× | ${verdict} |`);
}
for (const [line, s] of stat) {
  if (line.startsWith('DuckDB') || line.startsWith('plain') || line.startsWith('run (whole')) continue;
  const mib = s.rss / 1048576;
  console.log(`| peak RSS, ${line} | | | | ${f(mib, 0)} MiB | ≤ 128 MiB | ${mib <= 128 ? 'PASS' : 'MISS'} |`);
}
