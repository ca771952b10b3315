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
    /// Library schedules also accept timm's <c>warmup_steps</c> (timm <c>warmup_t</c>; or <c>warmup_ratio</c>), <c>warmup_lr_init</c>,
    /// <c>warmup_prefix</c> (default as timm's <c>CosineLRScheduler</c>, <c>false</c>, for <c>CosineWithRestarts</c>: the
    /// warm-up overlaps the start of the cosine; <c>true</c> for <c>LinearWithWarmup</c>, as Hugging Face's linear
    /// schedule), <c>t_in_epochs</c> with <c>steps_per_epoch</c> (the rate changes once per epoch and every <c>t</c>
    /// argument counts epochs), and timm's noise (<c>noise_range_t</c> as <c>a</c> or <c>a,b</c>, <c>noise_pct</c>,
    /// <c>noise_std</c>, <c>noise_seed</c>).
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
            "CosineWithRestarts" => WithWarmup(a, totalSteps, prefixDefault: false, t => new CosineWithRestarts(new CosineWithRestartsOptions
            {
                BaseLr = baseLr, TInitial = a.Long("t_initial", t), LrMin = a.Double("lr_min", 0), CycleMul = a.Double("cycle_mul", 1),
                CycleDecay = a.Double("cycle_decay", 1), CycleLimit = a.Long("cycle_limit", 1), KDecay = a.Double("k_decay", 1),
            })),
            "LinearWithWarmup" => WithWarmup(a, totalSteps, prefixDefault: true, t => new LinearLR(baseLr, 1.0, a.Double("end_factor", 0), Math.Max(1, t))),
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

    private static ILrSchedule WithWarmup(ScheduleArguments a, long totalSteps, bool prefixDefault, Func<long, ILrSchedule> inner)
    {
        bool inEpochs = a.Bool("t_in_epochs", false);
        long stepsPerEpoch = inEpochs ? a.Long("steps_per_epoch") : 1;
        if (stepsPerEpoch <= 0) throw new ArgumentException($"{nameof(ScheduleFactory)}: steps_per_epoch must be ≥ 1 (was {stepsPerEpoch}).");
        long total = (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch;
        long warmup = a.Has("warmup_steps") ? a.Long("warmup_steps") : (long)Math.Round(a.Double("warmup_ratio", 0) * total);
        bool prefix = a.Bool("warmup_prefix", prefixDefault);
        ILrSchedule body = inner(prefix ? total - warmup : total);
        if (warmup > 0) body = new Warmup(body, warmup, a.Double("warmup_lr_init", 0), prefix);
        if (a.Has("noise_range_t")) body = new ScheduleNoise(body, NoiseFrom(a));
        return inEpochs ? new EpochStepped(body, stepsPerEpoch) : body;
    }

    private static ScheduleNoiseOptions NoiseFrom(ScheduleArguments a)
    {
        long[] range = a.LongList("noise_range_t");
        if (range.Length is not (1 or 2)) throw new ArgumentException($"noise_range_t must be one step or two (start,end); was {range.Length} values.");
        return new ScheduleNoiseOptions
        {
            RangeStart = range[0], RangeEnd = range.Length == 2 ? range[1] : null, Pct = a.Double("noise_pct", 0.67),
            Std = a.Double("noise_std", 1.0), Seed = a.Long("noise_seed", 42),
        };
    }
}
