namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// The mutable part of a <see cref="ReduceLROnPlateau"/> (PyTorch's <c>state_dict</c> of the scheduler): saved with a
/// checkpoint and restored on resume, so that a reduction due after the resume still happens.
/// </summary>
/// <param name="CurrentLr">The rate in force.</param>
/// <param name="Best">The best metric reported so far (±infinity before the first report).</param>
/// <param name="BadReports">Reports without improvement since the last improvement or reduction (PyTorch <c>num_bad_epochs</c>).</param>
/// <param name="CooldownLeft">Reports still to wait after the last reduction (PyTorch <c>cooldown_counter</c>).</param>
internal readonly record struct ReduceLROnPlateauState(double CurrentLr, double Best, int BadReports, int CooldownLeft);
