using FineTune.Vision.Training;

namespace QuickStart;

/// <summary>Validation results of a QuickStart run (all on the held-out test images of classes 5-9).</summary>
/// <param name="BeforeFineTuning">The pretrained backbone with its new, untrained classifier (chance level: the head is random).</param>
/// <param name="FineTuned">After full fine-tuning from the pretrained checkpoint.</param>
/// <param name="HeadOnly">After training only the classifier on the frozen pretrained features (null without baselines).</param>
/// <param name="RandomInit">The same model and budget from random initialisation (null without baselines).</param>
/// <param name="Elapsed">Wall time of the whole run.</param>
public sealed record QuickStartResult(
    EvaluationResult BeforeFineTuning, EvaluationResult FineTuned, EvaluationResult? HeadOnly, EvaluationResult? RandomInit, TimeSpan Elapsed);
