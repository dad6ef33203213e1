// Prints what DuckDB reads from Parquet files: one JSON array of {"name", "type"} (DESCRIBE of
// read_parquet), in file column order, hive partitions (dt=...) last as VARCHAR, as Athena declares them.
// The Athena DDL test (AthenaDdlDuckDbTests) compares it with the CREATE EXTERNAL TABLE of `athena-ddl`.
//   node duckdb-describe.mjs 'ARCHIVE/<dataset>/*/*.parquet'
import { DuckDBInstance } from '@duckdb/node-api';

const [glob] = process.argv.slice(2);
if (!glob) {
  console.error('usage: node duckdb-describe.mjs PARQUET_GLOB');
  process.exit(2);
}
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();
const result = await connection.runAndReadAll(
  `DESCRIBE SELECT * FROM read_parquet(${q(glob)}, hive_partitioning = true, hive_types_autocast = false)`);
const rows = result.getRowObjectsJS().map((r) => ({ name: r.column_name, type: r.column_type }));
console.log(JSON.stringify(rows));
