using System.Runtime.InteropServices;

namespace EtlFunction.Database;

/// <summary>
/// Direct calls to the bundled SQLite library (<c>e_sqlite3</c>, the one Microsoft.Data.Sqlite loads) for
/// the per-value bind calls of a bulk load only. Going through SQLitePCLRaw costs a SafeHandle add-ref/release
/// and a GC transition per value (~80 ns; 12 million values per million rows); these bind functions only copy
/// a value into the statement (text: one malloc and copy), and the connection is used by one thread, so its
/// mutex is never contended: they are safe to call without the GC transition. Everything else
/// (prepare, step, errors, finalize) stays on SQLitePCLRaw.
/// </summary>
internal static class SqliteNative
{
    private const string Library = "e_sqlite3";

    /// <summary>SQLITE_TRANSIENT: SQLite copies the text before the call returns.</summary>
    private static readonly IntPtr Transient = -1;

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true), SuppressGCTransition]
    public static extern int sqlite3_bind_int64(IntPtr statement, int index, long value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true), SuppressGCTransition]
    public static extern int sqlite3_bind_double(IntPtr statement, int index, double value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true), SuppressGCTransition]
    public static extern int sqlite3_bind_null(IntPtr statement, int index);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true), SuppressGCTransition]
    private static extern int sqlite3_bind_text(IntPtr statement, int index, ref byte utf8, int length, IntPtr destructor);

    /// <summary>Binds UTF-8 text (copied by SQLite); an empty span binds the empty string, never NULL.</summary>
    public static int BindText(IntPtr statement, int index, ReadOnlySpan<byte> utf8)
    {
        byte empty = 0;
        return sqlite3_bind_text(statement, index, ref utf8.IsEmpty ? ref empty : ref MemoryMarshal.GetReference(utf8), utf8.Length, Transient);
    }
}
