// The benchmark's DuckDB peer (shared/bench/RULES.md): one mode per process, so the caller measures
// wall time and peak RSS of exactly that work. Prints one JSON line: {"mode", "rows", "seconds"}.
//   node duckdb-peer.mjs csv          IN.csv OUT.csv               R0–R9 clean → CSV (the RULES.md SQL as is)
//   node duckdb-peer.mjs csv+parquet  IN.csv OUT.csv OUT.parquet   clean once, then COPY to CSV and to typed Parquet
//   node duckdb-peer.mjs parquet      PROCESSED.csv OUT.parquet    an already cleaned CSV → typed Parquet
// Two threads (the machine's cores), Parquet snappy in row groups of 65,536 rows like contracts/orders.yaml.
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, input, ...outs] = process.argv.slice(2);
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const parquet = () => `(FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 65536)`;
const csv = `(FORMAT csv, HEADER true, DATEFORMAT '%Y-%m-%d', TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S')`;

const raw = (file) => `CREATE TEMP TABLE raw AS
  SELECT * FROM read_csv(${q(file)}, header=true, all_varchar=true, delim=',', quote='"', escape='"')`;

// RULES.md's query, verbatim apart from the source and the sink.
const cleaned = `
  WITH typed AS (
    SELECT rowid AS rn,
      TRY_CAST(order_id AS BIGINT) AS order_id,  TRY_CAST(customer_id AS BIGINT) AS customer_id,
      lower(trim(customer_email)) AS customer_email,  country,
      TRY_CAST(trim(amount) AS DECIMAL(12,2)) AS amount,  currency,
      COALESCE(TRY_STRPTIME(order_date, '%Y-%m-%d'), TRY_STRPTIME(order_date, '%m/%d/%Y'))::DATE AS order_date,
      TRY_STRPTIME(created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at,  status,
      CASE lower(trim(is_gift)) WHEN 'true' THEN 1 WHEN '1' THEN 1 WHEN 'yes' THEN 1
                                WHEN 'false' THEN 0 WHEN '0' THEN 0 WHEN 'no' THEN 0 END AS is_gift,
      note,  TRY_CAST(quantity AS INTEGER) AS quantity
    FROM raw)
  SELECT * EXCLUDE (rn) FROM typed
  WHERE order_id IS NOT NULL AND customer_id IS NOT NULL AND amount IS NOT NULL
    AND order_date IS NOT NULL AND created_at IS NOT NULL AND is_gift IS NOT NULL
    AND quantity IS NOT NULL AND quantity >= 1
    AND status IN ('pending','paid','shipped','delivered','cancelled')
  QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY rn DESC) = 1
  ORDER BY rn`;

// The processed CSV's columns with their contract types (contracts/orders.yaml).
const processedTypes = `{'order_id': 'BIGINT', 'customer_id': 'BIGINT', 'customer_email': 'VARCHAR', 'country': 'VARCHAR',
  'amount': 'DECIMAL(12,2)', 'currency': 'VARCHAR', 'order_date': 'DATE', 'created_at': 'TIMESTAMP', 'status': 'VARCHAR',
  'is_gift': 'BOOLEAN', 'note': 'VARCHAR', 'quantity': 'INTEGER'}`;

const plans = {
  csv: ([out]) => [raw(input), `COPY (${cleaned}) TO ${q(out)} ${csv}`],
  'csv+parquet': ([out, pq]) => [raw(input), `CREATE TEMP TABLE clean AS ${cleaned}`,
    `COPY clean TO ${q(out)} ${csv}`, `COPY clean TO ${q(pq)} ${parquet()}`],
  parquet: ([pq]) => [`COPY (SELECT * FROM read_csv(${q(input)}, header=true, delim=',', quote='"', escape='"', columns=${processedTypes}))
    TO ${q(pq)} ${parquet()}`],
};
if (!plans[mode] || !input) {
  console.error('usage: node duckdb-peer.mjs csv|csv+parquet|parquet IN OUT...');
  process.exit(2);
}

const start = process.hrtime.bigint();
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const connection = await instance.connect();
let rows = 0;
for (const sql of plans[mode](outs)) {
  const result = await connection.runAndReadAll(sql);
  // COPY ... TO answers with the number of rows written; the last COPY's count is the one reported.
  if (sql.startsWith('COPY')) rows = Number(result.getRows()[0][0]);
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ mode, rows, seconds }));
