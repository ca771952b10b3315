namespace FineTune.Vision;

/// <summary>Writes a ScottPlot plot to a PNG file, creating its folder.</summary>
internal static class PlotFile
{
    public static void Save(ScottPlot.Plot plot, string path, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        plot.SavePng(path, width, height);
    }
}
