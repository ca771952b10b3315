namespace FineTune.Vision.Training;

/// <summary>The number format the model computes in during training.</summary>
public enum TrainingPrecision
{
    /// <summary>Everything in fp32.</summary>
    Float32,
    /// <summary>bf16 compute with fp32 master weights (no loss scaling needed: bf16 has fp32's range).</summary>
    BFloat16,
    /// <summary>fp16 compute with fp32 master weights and dynamic loss scaling (GradScaler's defaults).</summary>
    Float16,
}
