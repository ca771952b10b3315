// Part of the FineTune.Vision package's build targets. MSBuild compiles this file on the fly
// (RoslynCodeTaskFactory, netstandard2.0 references), so it keeps to plain C# and the BCL.
// The test project compiles it too (with FINETUNE_VISION_NO_MSBUILD_TASK) to test the ELF logic.
//
// Why it exists: TorchSharp 0.107's libLibTorchSharp.so needs GLIBCXX_3.4.32, which the libstdc++ of
// Debian 12 and Ubuntu 22.04 does not define, so the dynamic loader refuses the library. The only
// symbol bound to that version is std::ios_base_library_init, an undefined reference that nothing
// relocates against. Marking the version need weak (VER_FLG_WEAK in .gnu.version_r) lets the loader
// accept the library when the version is missing; nothing else changes.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace FineTune.Vision.Build
{
    /// <summary>What <see cref="ElfVersionNeedPatcher.Weaken"/> did to a file.</summary>
    public enum WeakenOutcome
    {
        /// <summary>The version need was strong and is now weak.</summary>
        Patched,
        /// <summary>The version need was already weak; the file was not written.</summary>
        AlreadyWeak,
        /// <summary>The file does not need that version; the file was not written.</summary>
        NotNeeded,
        /// <summary>Other symbols are bound to that version, so weakening it would not be safe; nothing written.</summary>
        Refused,
    }

    /// <summary>The result of one weakening: outcome and an explanation for the build log.</summary>
    public sealed class WeakenResult
    {
        /// <summary>Creates a result.</summary>
        public WeakenResult(WeakenOutcome outcome, string message) { Outcome = outcome; Message = message; }
        /// <summary>What happened.</summary>
        public WeakenOutcome Outcome { get; private set; }
        /// <summary>A sentence for the build log.</summary>
        public string Message { get; private set; }
    }

    /// <summary>One entry of an ELF file's <c>.gnu.version_r</c> section.</summary>
    public sealed class VersionNeed
    {
        /// <summary>Creates an entry.</summary>
        public VersionNeed(string file, string name, ushort flags, ushort index, long flagsOffset)
        { File = file; Name = name; Flags = flags; Index = index; FlagsOffset = flagsOffset; }
        /// <summary>The library that must provide the version (e.g. libstdc++.so.6).</summary>
        public string File { get; private set; }
        /// <summary>The version name (e.g. GLIBCXX_3.4.32).</summary>
        public string Name { get; private set; }
        /// <summary>vna_flags; bit 0x2 is VER_FLG_WEAK.</summary>
        public ushort Flags { get; private set; }
        /// <summary>vna_other: the version index that .gnu.version uses for symbols of this version.</summary>
        public ushort Index { get; private set; }
        /// <summary>File offset of vna_flags.</summary>
        public long FlagsOffset { get; private set; }
        /// <summary>Whether the need is weak.</summary>
        public bool IsWeak { get { return (Flags & ElfVersionNeedPatcher.VerFlagWeak) != 0; } }
    }

    /// <summary>Reads and edits the symbol-version tables of 64-bit little-endian ELF shared libraries.</summary>
    public static class ElfVersionNeedPatcher
    {
        /// <summary>VER_FLG_WEAK from elf.h.</summary>
        public const ushort VerFlagWeak = 0x2;
        private const uint ShtDynsym = 11, ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;

        private sealed class Section
        {
            public uint Type; public long Offset; public long Size; public uint Link; public uint Info;
        }

        /// <summary>Lists every version need of an ELF file (every vernaux of every verneed).</summary>
        public static List<VersionNeed> ReadVersionNeeds(byte[] elf, string path)
        {
            var result = new List<VersionNeed>();
            List<Section> sections = ReadSections(elf, path);
            foreach (Section s in sections)
            {
                if (s.Type != ShtGnuVerneed) continue;
                Section strtab = sections[(int)s.Link];
                long vn = s.Offset;
                for (uint i = 0; i < s.Info; i++)
                {
                    ushort count = U16(elf, vn + 2, path);
                    string file = CString(elf, strtab.Offset + U32(elf, vn + 4, path), path);
                    long aux = vn + U32(elf, vn + 8, path);
                    for (int j = 0; j < count; j++)
                    {
                        ushort flags = U16(elf, aux + 4, path);
                        ushort index = U16(elf, aux + 6, path);
                        string name = CString(elf, strtab.Offset + U32(elf, aux + 8, path), path);
                        result.Add(new VersionNeed(file, name, flags, index, aux + 4));
                        uint nextAux = U32(elf, aux + 12, path);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = U32(elf, vn + 12, path);
                    if (next == 0) break;
                    vn += next;
                }
            }
            return result;
        }

        /// <summary>Whether an ELF file (e.g. a libstdc++.so.6) defines a symbol version.</summary>
        public static bool DefinesVersion(byte[] elf, string path, string versionName)
        {
            List<Section> sections = ReadSections(elf, path);
            foreach (Section s in sections)
            {
                if (s.Type != ShtGnuVerdef) continue;
                Section strtab = sections[(int)s.Link];
                long vd = s.Offset;
                for (uint i = 0; i < s.Info; i++)
                {
                    long aux = vd + U32(elf, vd + 12, path);
                    string name = CString(elf, strtab.Offset + U32(elf, aux, path), path);
                    if (name == versionName) return true;
                    uint next = U32(elf, vd + 16, path);
                    if (next == 0) break;
                    vd += next;
                }
            }
            return false;
        }

        /// <summary>Names of the dynamic symbols bound to a version index through .gnu.version.</summary>
        public static List<string> SymbolsWithVersionIndex(byte[] elf, string path, ushort index)
        {
            var names = new List<string>();
            List<Section> sections = ReadSections(elf, path);
            Section? dynsym = null, versym = null;
            foreach (Section s in sections)
            {
                if (s.Type == ShtDynsym) dynsym = s;
                if (s.Type == ShtGnuVersym) versym = s;
            }
            if (dynsym == null || versym == null) return names;
            Section strtab = sections[(int)dynsym.Link];
            long count = dynsym.Size / 24;
            for (long i = 0; i < count; i++)
            {
                if ((U16(elf, versym.Offset + 2 * i, path) & 0x7fff) != index) continue;
                names.Add(CString(elf, strtab.Offset + U32(elf, dynsym.Offset + 24 * i, path), path));
            }
            return names;
        }

        /// <summary>
        /// Marks the need for <paramref name="versionName"/> weak in the file at <paramref name="path"/>, provided that
        /// only <paramref name="allowedSymbols"/> are bound to it. The file is replaced atomically by an edited copy
        /// (so a hard link into a package cache is never written through) that keeps the original's timestamp.
        /// </summary>
        public static WeakenResult Weaken(string path, string versionName, ICollection<string> allowedSymbols)
        {
            byte[] elf = File.ReadAllBytes(path);
            VersionNeed? need = null;
            foreach (VersionNeed n in ReadVersionNeeds(elf, path))
                if (n.Name == versionName) need = n;
            if (need == null)
                return new WeakenResult(WeakenOutcome.NotNeeded, path + " does not need " + versionName + ".");
            if (need.IsWeak)
                return new WeakenResult(WeakenOutcome.AlreadyWeak, path + " already needs " + versionName + " weakly.");

            var unexpected = new List<string>();
            foreach (string symbol in SymbolsWithVersionIndex(elf, path, need.Index))
                if (!allowedSymbols.Contains(symbol)) unexpected.Add(symbol);
            if (unexpected.Count > 0)
                return new WeakenResult(WeakenOutcome.Refused, path + " binds " + string.Join(", ", unexpected.ToArray()) +
                    " to " + versionName + "; weakening it would not be safe, so the file was left alone.");

            ushort flags = (ushort)(need.Flags | VerFlagWeak);
            elf[need.FlagsOffset] = (byte)(flags & 0xff);
            elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
            DateTime stamp = File.GetLastWriteTimeUtc(path);
            string temp = path + ".ftv-" + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                File.Copy(path, temp, true);            // keeps the mode bits of the original
                File.WriteAllBytes(temp, elf);
                File.SetLastWriteTimeUtc(temp, stamp);  // incremental copies still see the file as up to date
                File.Replace(temp, path, null);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
            return new WeakenResult(WeakenOutcome.Patched, "marked " + versionName + " weak in " + path +
                " (only " + string.Join(", ", new List<string>(allowedSymbols).ToArray()) + " is bound to it).");
        }

        /// <summary>
        /// Finds the libstdc++.so.6 that the dynamic loader would use: the LD_LIBRARY_PATH folders first, then the
        /// usual system folders. Returns null where none is found (e.g. musl systems).
        /// </summary>
        public static string? FindHostLibStdCxx()
        {
            var folders = new List<string>();
            string? ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ldPath)) folders.AddRange(ldPath!.Split(':'));
            folders.AddRange(new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" });
            foreach (string folder in folders)
            {
                if (folder.Length == 0) continue;
                string candidate = Path.Combine(folder, "libstdc++.so.6");
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        private static List<Section> ReadSections(byte[] elf, string path)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException(path + " is not an ELF file.");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException(path + " is not a 64-bit little-endian ELF file (class " + elf[4] + ", data " + elf[5] + ").");
            long shoff = (long)U64(elf, 0x28, path);
            ushort shentsize = U16(elf, 0x3a, path), shnum = U16(elf, 0x3c, path);
            if (shentsize < 64)
                throw new InvalidDataException(path + ": section header size " + shentsize + " is smaller than 64.");
            var sections = new List<Section>(shnum);
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + (long)i * shentsize;
                var s = new Section
                {
                    Type = U32(elf, h + 4, path), Offset = (long)U64(elf, h + 0x18, path), Size = (long)U64(elf, h + 0x20, path),
                    Link = U32(elf, h + 0x28, path), Info = U32(elf, h + 0x2c, path),
                };
                sections.Add(s);
            }
            foreach (Section s in sections)
                if (s.Link >= sections.Count && (s.Type == ShtGnuVerneed || s.Type == ShtGnuVerdef || s.Type == ShtDynsym))
                    throw new InvalidDataException(path + ": section links to string table " + s.Link + " of " + sections.Count + ".");
            return sections;
        }

        private static void Check(byte[] elf, long offset, int size, string path)
        {
            if (offset < 0 || offset + size > elf.Length)
                throw new InvalidDataException(path + ": offset " + offset + " is outside the file (" + elf.Length + " bytes); the file is truncated or malformed.");
        }

        private static ushort U16(byte[] b, long o, string path) { Check(b, o, 2, path); return (ushort)(b[o] | b[o + 1] << 8); }
        private static uint U32(byte[] b, long o, string path) { Check(b, o, 4, path); return (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24); }
        private static ulong U64(byte[] b, long o, string path) { return U32(b, o, path) | (ulong)U32(b, o + 4, path) << 32; }

        private static string CString(byte[] b, long o, string path)
        {
            Check(b, o, 1, path);
            long end = o;
            while (end < b.Length && b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, (int)o, (int)(end - o));
        }
    }

#if !FINETUNE_VISION_NO_MSBUILD_TASK
    /// <summary>
    /// MSBuild task: weakens the GLIBCXX need of the given files when the host's libstdc++ lacks that version.
    /// </summary>
    public sealed class FineTuneVisionWeakenVersionNeed : Microsoft.Build.Utilities.Task
    {
        /// <summary>The libraries to edit (copies in an output or publish folder, never the package cache).</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = new Microsoft.Build.Framework.ITaskItem[0];

        /// <summary>The version to weaken.</summary>
        public string VersionName { get; set; } = "GLIBCXX_3.4.32";

        /// <summary>Semicolon-separated symbols that may be bound to the version.</summary>
        public string AllowedSymbols { get; set; } = "_ZSt21ios_base_library_initv";

        /// <summary>Runs the task.</summary>
        public override bool Execute()
        {
            if (Files.Length == 0) return true;
            string? libstdcxx = ElfVersionNeedPatcher.FindHostLibStdCxx();
            if (libstdcxx == null)
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                    "FineTune.Vision: no libstdc++.so.6 found on this host; native libraries left as they are.");
                return true;
            }
            if (ElfVersionNeedPatcher.DefinesVersion(File.ReadAllBytes(libstdcxx), libstdcxx, VersionName))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low,
                    "FineTune.Vision: " + libstdcxx + " defines " + VersionName + "; nothing to patch.");
                return true;
            }
            var allowed = new HashSet<string>(AllowedSymbols.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries));
            foreach (Microsoft.Build.Framework.ITaskItem item in Files)
            {
                WeakenResult result = ElfVersionNeedPatcher.Weaken(item.GetMetadata("FullPath"), VersionName, allowed);
                if (result.Outcome == WeakenOutcome.Refused)
                    Log.LogWarning("FineTune.Vision: " + result.Message);
                else
                    Log.LogMessage(result.Outcome == WeakenOutcome.Patched ? Microsoft.Build.Framework.MessageImportance.High
                        : Microsoft.Build.Framework.MessageImportance.Low,
                        "FineTune.Vision: " + result.Message + " (" + libstdcxx + " lacks " + VersionName + "; disable with FineTuneVisionWeakenGlibcxx=false)");
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
