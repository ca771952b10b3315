using FineTune.Vision.Adaptation;
using FineTune.Vision.Models;

namespace FineTune.Vision.Training;

/// <summary>
/// Makes the optimizer's parameter groups for <paramref name="model"/> when a <see cref="Trainer"/> is created, e.g.
/// <c>m => LayerParameterGroups.Discriminative(m, 1e-5, 1e-3, new() { IncludeFrozen = true })</c>. The groups name the
/// model's parameters; under mixed precision the trainer puts the fp32 master of each in its place.
/// </summary>
/// <param name="model">The model, already on the trainer's device, with its current trainable set.</param>
public delegate IReadOnlyList<ParameterGroup> ParameterGroupFactory(IVisionModel model);
