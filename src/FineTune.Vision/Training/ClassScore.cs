namespace FineTune.Vision.Training;

/// <summary>One class of a prediction: its index, its name (or the index as text when no names are known) and its probability.</summary>
/// <param name="Index">The class index.</param>
/// <param name="Label">The class name, or the index as text.</param>
/// <param name="Probability">The softmax probability in [0, 1].</param>
public readonly record struct ClassScore(int Index, string Label, double Probability);
