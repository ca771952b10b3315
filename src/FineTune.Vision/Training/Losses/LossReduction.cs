namespace FineTune.Vision.Training.Losses;

/// <summary>How an element-wise loss is reduced to the scalar the trainer backpropagates (PyTorch's <c>reduction</c>).</summary>
public enum LossReduction
{
    /// <summary>The mean over every element (PyTorch's <c>'mean'</c>).</summary>
    Mean,
    /// <summary>The sum over every element (PyTorch's <c>'sum'</c>).</summary>
    Sum,
}
