using System.Globalization;
using System.Text;
using FineTune.Vision.Data;
using FineTune.Vision.Training;

namespace FineTune.Vision.Recipes;

/// <summary>Writes <see cref="Trainer.Predict"/> results over Tiny ImageNet's validation images as CSV.</summary>
public static class PredictionsCsv
{
    /// <summary>
    /// One row per image: <c>file,true_wnid,predicted_wnid,predicted_name,probability</c>. Returns the top-1 accuracy
    /// of the predictions against the annotated labels.
    /// </summary>
    public static double Write(string path, Predictions predictions, TinyImageNet data)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(data);
        var text = new StringBuilder("file,true_wnid,predicted_wnid,predicted_name,probability\n");
        int correct = 0;
        for (int i = 0; i < predictions.Count; i++)
        {
            int predicted = predictions.Labels[i], actual = predictions.TrueLabels[i];
            if (predicted == actual) correct++;
            string file = Path.GetFileName(data.Validation.Paths[predictions.SampleIndices[i]]);
            string name = data.ClassNames[predicted].Replace("\"", "\"\"", StringComparison.Ordinal);
            text.Append(CultureInfo.InvariantCulture,
                $"{file},{data.Wnids[actual]},{data.Wnids[predicted]},\"{name}\",{predictions.Probabilities[i][predicted]:0.#####}\n");
        }
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(path, text.ToString());
        return predictions.Count == 0 ? 0 : (double)correct / predictions.Count;
    }
}
