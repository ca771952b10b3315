using FineTune.Vision.Build;

namespace FineTune.Vision.Tests.Build;

/// <summary>The build-time weakening of TorchSharp's GLIBCXX_3.4.32 need, on copies of the real libraries.</summary>
public sealed class ElfVersionNeedPatcherTests : IDisposable
{
    private const string Version = "GLIBCXX_3.4.32";
    private static readonly string[] Allowed = ["_ZSt21ios_base_library_initv"];
    private readonly string _dir = Directory.CreateTempSubdirectory("ftv-elf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string PackageNative(string package, string version, string file)
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, package, version, "runtimes", "linux-x64", "native", file);
        Assert.True(File.Exists(path), $"expected the restored package file {path}");
        return path;
    }

    private string CopyOf(string path)
    {
        string copy = Path.Combine(_dir, Path.GetFileName(path));
        File.Copy(path, copy);
        return copy;
    }

    private static VersionNeed NeedOf(string path) =>
        Assert.Single(ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(path), path), n => n.Name == Version);

    [Fact]
    public void Weakens_the_real_libtorchsharp_need_once_and_only_that_bit()
    {
        string original = PackageNative("torchsharp", "0.107.0", "libLibTorchSharp.so");
        string copy = CopyOf(original);
        byte[] before = File.ReadAllBytes(copy);
        VersionNeed need = NeedOf(copy);
        Assert.False(need.IsWeak);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.Equal(Allowed, ElfVersionNeedPatcher.SymbolsWithVersionIndex(before, copy, need.Index));

        WeakenResult first = ElfVersionNeedPatcher.Weaken(copy, Version, Allowed);

        Assert.Equal(WeakenOutcome.Patched, first.Outcome);
        Assert.True(NeedOf(copy).IsWeak);
        byte[] after = File.ReadAllBytes(copy);
        int[] changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        Assert.Equal([(int)need.FlagsOffset], changed);
        Assert.Equal(File.GetLastWriteTimeUtc(original), File.GetLastWriteTimeUtc(copy), TimeSpan.FromSeconds(1));

        WeakenResult second = ElfVersionNeedPatcher.Weaken(copy, Version, Allowed);
        Assert.Equal(WeakenOutcome.AlreadyWeak, second.Outcome);
        Assert.Equal(after, File.ReadAllBytes(copy));
        Assert.False(ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(original), original).Single(n => n.Name == Version).IsWeak);
    }

    [Fact]
    public void Leaves_a_library_without_that_need_alone()
    {
        string copy = CopyOf(PackageNative("libtorch-cpu-linux-x64", "2.10.0", "libc10.so"));
        byte[] before = File.ReadAllBytes(copy);
        DateTime stamp = File.GetLastWriteTimeUtc(copy);

        WeakenResult result = ElfVersionNeedPatcher.Weaken(copy, Version, Allowed);

        Assert.Equal(WeakenOutcome.NotNeeded, result.Outcome);
        Assert.Equal(before, File.ReadAllBytes(copy));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(copy));
    }

    [Fact]
    public void Refuses_when_other_symbols_are_bound_to_the_version()
    {
        string copy = CopyOf(PackageNative("torchsharp", "0.107.0", "libLibTorchSharp.so"));
        byte[] before = File.ReadAllBytes(copy);

        WeakenResult result = ElfVersionNeedPatcher.Weaken(copy, Version, ["some_other_symbol"]);

        Assert.Equal(WeakenOutcome.Refused, result.Outcome);
        Assert.Contains("_ZSt21ios_base_library_initv", result.Message);
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void Reads_version_definitions_of_the_host_libstdcxx()
    {
        string? host = ElfVersionNeedPatcher.FindHostLibStdCxx();
        Assert.NotNull(host);
        byte[] elf = File.ReadAllBytes(host);
        Assert.True(ElfVersionNeedPatcher.DefinesVersion(elf, host, "GLIBCXX_3.4"));
        Assert.False(ElfVersionNeedPatcher.DefinesVersion(elf, host, "GLIBCXX_99.0"));
    }

    [Fact]
    public void Rejects_truncated_and_foreign_files_with_the_file_name()
    {
        string truncated = Path.Combine(_dir, "truncated.so");
        File.WriteAllBytes(truncated, File.ReadAllBytes(PackageNative("torchsharp", "0.107.0", "libLibTorchSharp.so"))[..4096]);
        var e1 = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.Weaken(truncated, Version, Allowed));
        Assert.Contains("truncated.so", e1.Message);

        string text = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(text, "not a shared library, just some text that is long enough to have a header........");
        var e2 = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.Weaken(text, Version, Allowed));
        Assert.Contains("notes.txt is not an ELF file", e2.Message);
    }
}
