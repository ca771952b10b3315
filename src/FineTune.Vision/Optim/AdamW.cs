using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Optim;

/// <summary>
/// TorchSharp's AdamW with the update of every fp32 CPU parameter done in one pass over its memory: decay, both moments
/// and the parameter update per element, vectorised and spread over libtorch's thread count. TorchSharp's step runs
/// nine tensor operations per parameter (mul_, mul_/add_, mul_/addcmul_, sqrt, div, add_, addcdiv_), each a full pass,
/// about 88 bytes of memory traffic per parameter; this one reads the parameter, gradient and both moments once and
/// writes three of them back (28 bytes), the CPU counterpart of PyTorch's <c>fused=True</c>. The same formula as
/// TorchSharp's (and PyTorch's) AdamW, the same state objects (checkpoints and <c>load_state_dict</c> unchanged);
/// parameters that are not contiguous fp32 on the CPU, or groups with <c>amsgrad</c>/<c>maximize</c>, take the
/// unfused path. Named <c>AdamW</c> like its base: TorchSharp writes the class name into optimizer state files and
/// refuses a file whose name differs, so this keeps checkpoints of either class loadable by the other.
/// </summary>
internal sealed class AdamW : TorchSharp.Modules.AdamW
{
    /// <summary>Elements per work item of the parallel loop (256 KB of each buffer: large enough to amortise the dispatch).</summary>
    private const int Chunk = 1 << 16;

    public AdamW(IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay)
        : base(groups, lr, beta1, beta2, eps, weightDecay)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null)
            using (torch.enable_grad()) loss = closure();
        using (torch.no_grad())
        using (torch.NewDisposeScope())
        {
            var work = new List<Update>();
            foreach (TorchSharp.Modules.ParamGroup group in _parameter_groups) Collect(group, work);
            Run(work);
        }
        return loss!;
    }

    /// <summary>Advances the step count of every parameter of <paramref name="group"/> with a gradient; queues the fusable ones, updates the others.</summary>
    private void Collect(TorchSharp.Modules.ParamGroup group, List<Update> work)
    {
        var options = (Options)group.Options;
        double lr = options.LearningRate!.Value, beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, eps = options.eps!.Value;
        double weightDecay = options.weight_decay!.Value;
        bool fusable = options.amsgrad != true && options.maximize != true;
        foreach (Parameter param in group.Parameters)
        {
            if (param.grad is not Tensor grad) continue;
            var state = (State)_state[param.Handle];
            state.step += 1;
            double correction1 = 1 - Math.Pow(beta1, state.step), correction2 = 1 - Math.Pow(beta2, state.step);
            if (fusable && Fusable(param, grad, state))
            {
                var coefficients = new Coefficients((float)(1 - (lr * weightDecay)), (float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2),
                    (float)Math.Sqrt(correction2), (float)eps, (float)(lr / correction1));
                work.Add(new Update(param, grad, state.exp_avg, state.exp_avg_sq, coefficients));
            }
            else
            {
                Unfused(param, grad, state, options, lr, weightDecay, correction1, correction2, eps);
            }
        }
    }

    private static bool Fusable(Tensor param, Tensor grad, State state) =>
        param.device_type == DeviceType.CPU && param.dtype == ScalarType.Float32 && grad.dtype == ScalarType.Float32
        && state.exp_avg is { dtype: ScalarType.Float32 } && state.exp_avg_sq is { dtype: ScalarType.Float32 }
        && param.is_contiguous() && grad.is_contiguous() && state.exp_avg.is_contiguous() && state.exp_avg_sq.is_contiguous()
        && param.numel() <= int.MaxValue / sizeof(float);

    /// <summary>TorchSharp's own per-parameter update, for what the fused loop does not take.</summary>
    private static void Unfused(Parameter param, Tensor grad, State state, Options options, double lr, double weightDecay, double correction1, double correction2, double eps)
    {
        if (options.maximize == true) grad = -grad;
        param.mul_(1 - (lr * weightDecay));
        state.exp_avg.mul_(options.beta1!.Value).add_(grad, alpha: 1 - options.beta1.Value);
        state.exp_avg_sq.mul_(options.beta2!.Value).addcmul_(grad, grad, value: 1 - options.beta2.Value);
        Tensor second = state.exp_avg_sq;
        if (options.amsgrad == true)
        {
            Tensor previous = state.max_exp_avg_sq;
            state.max_exp_avg_sq = torch.maximum(previous, state.exp_avg_sq).DetachFromDisposeScope();
            previous.Dispose();
            second = state.max_exp_avg_sq;
        }
        Tensor denominator = (second.sqrt() / Math.Sqrt(correction2)).add_(eps);
        param.addcdiv_(state.exp_avg, denominator, value: -(lr / correction1));
    }

    /// <summary>The per-step scalars of one parameter's update, in fp32 as libtorch's fp32 kernels use them.</summary>
    private readonly record struct Coefficients(float Decay, float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float SqrtCorrection2, float Eps, float StepSize);

    private sealed record Update(Tensor Param, Tensor Grad, Tensor ExpAvg, Tensor ExpAvgSq, Coefficients C);

    private static void Run(List<Update> work)
    {
        if (work.Count == 0) return;
        var items = new List<(Update Update, int Start, int Length)>();
        foreach (Update u in work)
        {
            int n = (int)u.Param.numel();
            for (int start = 0; start < n; start += Chunk) items.Add((u, start, Math.Min(Chunk, n - start)));
        }
        int threads = Math.Max(1, torch.get_num_threads());
        if (threads == 1 || items.Count == 1)
        {
            foreach (var item in items) Apply(item.Update, item.Start, item.Length);
            return;
        }
        Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => Apply(items[i].Update, items[i].Start, items[i].Length));
    }

    private static Span<float> Floats(Tensor t, int start, int length) => MemoryMarshal.Cast<byte, float>(t.bytes).Slice(start, length);

    /// <summary>One chunk of one parameter: decay, both moments and the update, element by element in one pass.</summary>
    private static void Apply(Update u, int start, int length)
    {
        Span<float> p = Floats(u.Param, start, length), m = Floats(u.ExpAvg, start, length), v = Floats(u.ExpAvgSq, start, length);
        ReadOnlySpan<float> g = Floats(u.Grad, start, length);
        Coefficients c = u.C;
        int i = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<float>.Count)
        {
            var decay = new Vector<float>(c.Decay);
            var beta1 = new Vector<float>(c.Beta1);
            var oneMinusBeta1 = new Vector<float>(c.OneMinusBeta1);
            var beta2 = new Vector<float>(c.Beta2);
            var oneMinusBeta2 = new Vector<float>(c.OneMinusBeta2);
            var sqrtCorrection2 = new Vector<float>(c.SqrtCorrection2);
            var eps = new Vector<float>(c.Eps);
            var stepSize = new Vector<float>(c.StepSize);
            Span<Vector<float>> pv = MemoryMarshal.Cast<float, Vector<float>>(p), mv = MemoryMarshal.Cast<float, Vector<float>>(m), vv = MemoryMarshal.Cast<float, Vector<float>>(v);
            ReadOnlySpan<Vector<float>> gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            for (int k = 0; k < pv.Length; k++)
            {
                Vector<float> grad = gv[k];
                Vector<float> mk = (mv[k] * beta1) + (grad * oneMinusBeta1);
                Vector<float> vk = (vv[k] * beta2) + (grad * grad * oneMinusBeta2);
                mv[k] = mk;
                vv[k] = vk;
                Vector<float> denominator = (Vector.SquareRoot(vk) / sqrtCorrection2) + eps;
                pv[k] = (pv[k] * decay) - (stepSize * (mk / denominator));
            }
            i = pv.Length * Vector<float>.Count;
        }
        for (; i < length; i++)
        {
            float grad = g[i];
            float mk = (m[i] * c.Beta1) + (grad * c.OneMinusBeta1);
            float vk = (v[i] * c.Beta2) + (grad * grad * c.OneMinusBeta2);
            m[i] = mk;
            v[i] = vk;
            float denominator = (MathF.Sqrt(vk) / c.SqrtCorrection2) + c.Eps;
            p[i] = (p[i] * c.Decay) - (c.StepSize * (mk / denominator));
        }
    }
}
