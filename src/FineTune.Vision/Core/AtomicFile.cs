namespace FineTune.Vision.Core;

/// <summary>
/// Writes a file so that a crash at any moment leaves either the old file or the complete new one under its name:
/// the bytes go to a temporary file beside it, are flushed to the disk (fsync), and the temporary file is then
/// renamed over the destination (an atomic replace on the same file system).
/// </summary>
internal static class AtomicFile
{
    /// <summary>Test hook: runs after the temporary file is flushed, just before the rename (fault-injection tests).</summary>
    internal static Action<string>? BeforeRename { get; set; }

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically and durably.</summary>
    public static void Write(string path, Action<FileStream> write)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            BeforeRename?.Invoke(full);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
