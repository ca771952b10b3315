using FineTune.Vision.Data;

namespace FineTune.Vision.Deployment;

/// <summary>What <see cref="PredictionsFile"/> wrote.</summary>
/// <param name="Path">The CSV file.</param>
/// <param name="Rows">Rows written (one per image predicted; the header not counted).</param>
/// <param name="Skipped">
/// The images left out because they could not be read (with <see cref="PredictionsFileOptions.SkipUnreadable"/>): index in the
/// list of images, file and reason, in order; empty when none was.
/// </param>
public sealed record PredictionsFileResult(string Path, int Rows, IReadOnlyList<SkippedSample> Skipped);
