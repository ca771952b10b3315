namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// Creates schedules by name with string arguments: PyTorch's scheduler class names with PyTorch's argument names
/// (so a schedule known from Python can be checked as it is), and the library's own schedules. Used by the CLI's
/// <c>schedule</c> verb and by configuration files.
/// </summary>
public static class ScheduleFactory
{
    /// <summary>Every name <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Kinds { get; } =
    [
        "ConstantLR", "StepLR", "MultiStepLR", "ExponentialLR", "LinearLR", "PolynomialLR", "CosineAnnealingLR",
        "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR", "CosineWithRestarts", "LinearWithWarmup",
    ];

    /// <summary>
    /// Creates the schedule <paramref name="kind"/> for a run of <paramref name="totalSteps"/> optimizer steps.
    /// Library schedules also accept <c>warmup_steps</c> (or <c>warmup_ratio</c>), <c>warmup_lr_init</c> and <c>warmup_prefix</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown kind (the message lists the known ones), or a missing, malformed or unknown argument.</exception>
    public static ILrSchedule Create(string kind, double baseLr, IReadOnlyDictionary<string, string> arguments, long totalSteps)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(arguments);
        var a = new ScheduleArguments(kind, arguments);
        ILrSchedule schedule = kind switch
        {
            "ConstantLR" => new ConstantLR(baseLr, a.Double("factor", 1.0 / 3), a.Long("total_iters", 5)),
            "StepLR" => new StepLR(baseLr, a.Long("step_size"), a.Double("gamma", 0.1)),
            "MultiStepLR" => new MultiStepLR(baseLr, a.LongList("milestones"), a.Double("gamma", 0.1)),
            "ExponentialLR" => new ExponentialLR(baseLr, a.Double("gamma")),
            "LinearLR" => new LinearLR(baseLr, a.Double("start_factor", 1.0 / 3), a.Double("end_factor", 1.0), a.Long("total_iters", 5)),
            "PolynomialLR" => new PolynomialLR(baseLr, a.Long("total_iters", 5), a.Double("power", 1.0)),
            "CosineAnnealingLR" => new CosineAnnealingLR(baseLr, a.Long("T_max", totalSteps), a.Double("eta_min", 0)),
            "CosineAnnealingWarmRestarts" => new CosineAnnealingWarmRestarts(baseLr, a.Long("T_0"), a.Long("T_mult", 1), a.Double("eta_min", 0)),
            "CyclicLR" => CyclicFrom(a),
            "OneCycleLR" => OneCycleFrom(a, totalSteps),
            "CosineWithRestarts" => WithWarmup(a, totalSteps, t => new CosineWithRestarts(new CosineWithRestartsOptions
            {
                BaseLr = baseLr, TInitial = a.Long("t_initial", t), LrMin = a.Double("lr_min", 0), CycleMul = a.Double("cycle_mul", 1),
                CycleDecay = a.Double("cycle_decay", 1), CycleLimit = a.Long("cycle_limit", 1), KDecay = a.Double("k_decay", 1),
            })),
            "LinearWithWarmup" => WithWarmup(a, totalSteps, t => new LinearLR(baseLr, 1.0, a.Double("end_factor", 0), Math.Max(1, t))),
            _ => throw new ArgumentException($"Unknown schedule '{kind}'. Known: {string.Join(", ", Kinds)}.", nameof(kind)),
        };
        a.RejectUnknown();
        return schedule;
    }

    private static CyclicLR CyclicFrom(ScheduleArguments a) => new(new CyclicLROptions
    {
        BaseLr = a.Double("base_lr"), MaxLr = a.Double("max_lr"), StepSizeUp = a.Long("step_size_up", 2000),
        StepSizeDown = a.Has("step_size_down") ? a.Long("step_size_down") : null,
        Mode = a.Text("mode", "triangular") switch
        {
            "triangular" => CyclicMode.Triangular,
            "triangular2" => CyclicMode.Triangular2,
            "exp_range" => CyclicMode.ExpRange,
            var m => throw new ArgumentException($"CyclicLR: mode must be triangular, triangular2 or exp_range (was '{m}')."),
        },
        Gamma = a.Double("gamma", 1.0), CycleMomentum = a.Bool("cycle_momentum", true),
        BaseMomentum = a.Double("base_momentum", 0.8), MaxMomentum = a.Double("max_momentum", 0.9),
    });

    private static OneCycleLR OneCycleFrom(ScheduleArguments a, long totalSteps) => new(new OneCycleLROptions
    {
        MaxLr = a.Double("max_lr"), TotalSteps = a.Long("total_steps", totalSteps), PctStart = a.Double("pct_start", 0.3),
        AnnealStrategy = a.Text("anneal_strategy", "cos") switch
        {
            "cos" => AnnealStrategy.Cos,
            "linear" => AnnealStrategy.Linear,
            var s => throw new ArgumentException($"OneCycleLR: anneal_strategy must be cos or linear (was '{s}')."),
        },
        DivFactor = a.Double("div_factor", 25), FinalDivFactor = a.Double("final_div_factor", 1e4), ThreePhase = a.Bool("three_phase", false),
        CycleMomentum = a.Bool("cycle_momentum", true), BaseMomentum = a.Double("base_momentum", 0.85), MaxMomentum = a.Double("max_momentum", 0.95),
    });

    private static ILrSchedule WithWarmup(ScheduleArguments a, long totalSteps, Func<long, ILrSchedule> inner)
    {
        long warmup = a.Has("warmup_steps") ? a.Long("warmup_steps") : (long)Math.Round(a.Double("warmup_ratio", 0) * totalSteps);
        bool prefix = a.Bool("warmup_prefix", true);
        ILrSchedule body = inner(prefix ? totalSteps - warmup : totalSteps);
        return warmup > 0 ? new Warmup(body, warmup, a.Double("warmup_lr_init", 0), prefix) : body;
    }
}
