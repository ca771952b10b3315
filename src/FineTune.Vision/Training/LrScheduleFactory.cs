using FineTune.Vision.Optim.Schedules;

namespace FineTune.Vision.Training;

/// <summary>
/// Makes the learning-rate schedule of a run once its length is known: from the optimizer's base rate and the total
/// number of optimizer steps. Presets are in <see cref="LrSchedules"/>.
/// </summary>
/// <param name="baseLr">The optimizer's base rate (<c>OptimizerConfig.Lr</c>).</param>
/// <param name="totalSteps">Optimizer steps in the whole run (after gradient accumulation).</param>
public delegate ILrSchedule LrScheduleFactory(double baseLr, long totalSteps);
