namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>The command line that runs a report, as printed in the markdown.</summary>
public static class Commands
{
    /// <summary><c>dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- </c> followed by <paramref name="arguments"/>.</summary>
    public static string Of(string arguments) => $"dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- {arguments}";
}
