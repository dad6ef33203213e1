namespace EtlFunction.Parquet;

/// <summary>
/// One Parquet file the archiver wrote: its partition (the <c>dt=</c> folder value, a
/// <c>yyyy-MM-dd</c> day or <see cref="ParquetLayout.NullPartition"/>) and its row count. The caller
/// turns it into an object key and the run manifest lists it, so the archive can be reconciled
/// with the processed CSV without reopening any file.
/// </summary>
public sealed record ArchivedPart(string Dt, long Rows);
