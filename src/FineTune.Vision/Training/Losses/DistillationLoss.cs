using FineTune.Vision.Models;
using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Training.Losses;

/// <summary>
/// Knowledge distillation as DeiT trains it (facebookresearch/deit <c>losses.py</c>, <c>DistillationLoss</c>):
/// <c>loss = base·(1 − α) + distill·α</c>, where the teacher sees the same images as the student.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="DistillationType.Soft"/>: <c>KL(log_softmax(t/τ) ‖ log_softmax(s/τ))</c> summed, times <c>τ²</c>, divided by the
/// number of logits (DeiT's <c>kl_div(..., reduction='sum', log_target=True)·τ·τ / s.numel()</c>).
/// <see cref="DistillationType.Hard"/>: cross entropy of the student on the teacher's argmax.
/// <see cref="DistillationType.None"/>: the base loss alone.
/// </para>
/// <para>
/// A distilled DeiT student (<see cref="VisionTransformerDistilled"/>) trains its class head on the labels (the base loss)
/// and its distillation head on the teacher; any other student distils through its one set of logits (Hinton et al.'s
/// knowledge distillation; DeiT itself requires the two heads).
/// </para>
/// <para>
/// The teacher is frozen (its parameters stop requiring gradients), kept in eval mode and run without gradients, on the
/// student's device (moved there on first use), optionally cast to bf16 or fp16 (TorchSharp has no autocast). It must take
/// the student's input size and normalisation and predict the same classes. A teacher passed in stays the caller's;
/// one loaded by <see cref="FromFile"/> is disposed with the loss.
/// </para>
/// </remarks>
public sealed class DistillationLoss : LossFunction, IDisposable
{
    private readonly bool _ownsTeacher;
    private Device? _teacherDevice;
    private bool _disposed;

    /// <summary>Creates the loss over <paramref name="teacher"/> (frozen and put in eval mode here).</summary>
    /// <param name="teacher">The teacher model; it stays the caller's to dispose.</param>
    /// <param name="type">Soft, hard or none.</param>
    /// <param name="alpha">The weight α of the distillation term, in [0, 1] (DeiT's default 0.5).</param>
    /// <param name="tau">The temperature τ &gt; 0 of soft distillation (DeiT's default 1).</param>
    /// <param name="baseLoss">The loss on the labels; null: <see cref="CrossEntropy"/> (on soft targets when the batch has them).</param>
    /// <param name="teacherPrecision">The teacher's compute format: <see cref="TrainingPrecision.BFloat16"/> or <see cref="TrainingPrecision.Float16"/> cast it.</param>
    /// <exception cref="ArgumentOutOfRangeException">α is outside [0, 1], τ is not positive, or an enum value is unknown.</exception>
    public DistillationLoss(IVisionModel teacher, DistillationType type = DistillationType.Soft, double alpha = 0.5, double tau = 1.0,
        LossFunction? baseLoss = null, TrainingPrecision teacherPrecision = TrainingPrecision.Float32)
        : this(teacher, type, alpha, tau, baseLoss, teacherPrecision, ownsTeacher: false)
    {
    }

    private DistillationLoss(IVisionModel teacher, DistillationType type, double alpha, double tau, LossFunction? baseLoss, TrainingPrecision teacherPrecision, bool ownsTeacher)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        if (!Enum.IsDefined(type)) throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown distillation type.");
        if (alpha is < 0 or > 1 || double.IsNaN(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must be in [0, 1].");
        if (!(tau > 0) || double.IsInfinity(tau)) throw new ArgumentOutOfRangeException(nameof(tau), tau, "τ must be finite and > 0.");
        if (!Enum.IsDefined(teacherPrecision)) throw new ArgumentOutOfRangeException(nameof(teacherPrecision), teacherPrecision, "Unknown precision.");
        (Teacher, Type, Alpha, Tau, BaseLoss, TeacherPrecision, _ownsTeacher) = (teacher, type, alpha, tau, baseLoss ?? new CrossEntropy(), teacherPrecision, ownsTeacher);
        foreach (var p in teacher.Module.parameters()) p.requires_grad = false;
        teacher.Module.eval();
        if (teacherPrecision != TrainingPrecision.Float32) teacher.Module.to(TeacherType);
    }

    /// <summary>
    /// Loads the teacher from a FineTune.Vision model file or Hugging Face folder (<see cref="VisionModels.Load"/>); the
    /// loss owns it and disposes it.
    /// </summary>
    /// <param name="teacherPath">The teacher's model file.</param>
    /// <param name="type">Soft, hard or none.</param>
    /// <param name="alpha">The weight α of the distillation term, in [0, 1].</param>
    /// <param name="tau">The temperature τ &gt; 0 of soft distillation.</param>
    /// <param name="baseLoss">The loss on the labels; null: <see cref="CrossEntropy"/>.</param>
    /// <param name="teacherPrecision">The teacher's compute format.</param>
    /// <exception cref="WeightsFormatException">The file is not a model file.</exception>
    /// <exception cref="ArgumentOutOfRangeException">α is outside [0, 1], τ is not positive, or an enum value is unknown.</exception>
    public static DistillationLoss FromFile(string teacherPath, DistillationType type = DistillationType.Soft, double alpha = 0.5, double tau = 1.0,
        LossFunction? baseLoss = null, TrainingPrecision teacherPrecision = TrainingPrecision.Float32)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(teacherPath);
        VisionModel teacher = VisionModels.Load(teacherPath);
        try { return new DistillationLoss(teacher, type, alpha, tau, baseLoss, teacherPrecision, ownsTeacher: true); }
        catch
        {
            teacher.Dispose();
            throw;
        }
    }

    /// <summary>The teacher.</summary>
    public IVisionModel Teacher { get; }

    /// <summary>Soft, hard or none.</summary>
    public DistillationType Type { get; }

    /// <summary>The weight α of the distillation term.</summary>
    public double Alpha { get; }

    /// <summary>The temperature τ of soft distillation.</summary>
    public double Tau { get; }

    /// <summary>The loss on the labels (on the class head of a distilled DeiT).</summary>
    public LossFunction BaseLoss { get; }

    /// <summary>The teacher's compute format.</summary>
    public TrainingPrecision TeacherPrecision { get; }

    /// <inheritdoc />
    public override bool UsesDistillationHead => Type != DistillationType.None;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The input has no images, or the teacher's class count differs from the student's.</exception>
    public override Tensor Forward(LossInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        Tensor baseLoss = BaseLoss.Forward(input);
        if (Type == DistillationType.None) return baseLoss.MoveToOuterDisposeScope();
        Tensor images = input.Images ?? throw new ArgumentException("Distillation needs the input images (LossInput.Images) to run the teacher.", nameof(input));
        Tensor student = (input.DistillationLogits ?? input.Logits).to(ScalarType.Float32);
        Tensor teacher = TeacherLogits(images);
        if (!teacher.shape.SequenceEqual(student.shape))
            throw new ArgumentException($"The teacher's logits [{string.Join(", ", teacher.shape)}] do not match the student's [{string.Join(", ", student.shape)}]: the teacher must predict the same classes.", nameof(input));
        Tensor distill = Distill(student, teacher, Type, Tau);
        return (baseLoss * (1 - Alpha) + distill * Alpha).MoveToOuterDisposeScope();
    }

    /// <summary>DeiT's distillation term of <paramref name="student"/> logits against <paramref name="teacher"/> logits (both [N, C]).</summary>
    internal static Tensor Distill(Tensor student, Tensor teacher, DistillationType type, double tau)
    {
        if (type == DistillationType.Hard) return nn.functional.cross_entropy(student, teacher.argmax(1));
        Tensor s = nn.functional.log_softmax(student / tau, 1), t = nn.functional.log_softmax(teacher / tau, 1);
        return nn.functional.kl_div(s, t, reduction: nn.Reduction.Sum, log_target: true) * (tau * tau) / student.numel();
    }

    /// <summary>The teacher's float32 logits for <paramref name="images"/>, without gradients, in eval mode, on the images' device.</summary>
    /// <exception cref="ObjectDisposedException">The loss was disposed.</exception>
    public Tensor TeacherLogits(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        if (_teacherDevice is null || _teacherDevice.type != images.device.type || _teacherDevice.index != images.device.index)
        {
            Teacher.Module.to(images.device);
            _teacherDevice = images.device;
        }
        if (Teacher.Module.training) Teacher.Module.eval();
        return Teacher.Module.call(images.to(TeacherType)).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    private ScalarType TeacherType => TeacherPrecision switch
    {
        TrainingPrecision.BFloat16 => ScalarType.BFloat16,
        TrainingPrecision.Float16 => ScalarType.Float16,
        _ => ScalarType.Float32,
    };

    /// <summary>Disposes the teacher when <see cref="FromFile"/> loaded it. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_ownsTeacher) Teacher.Module.Dispose();
    }
}
