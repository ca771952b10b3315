namespace FineTune.Vision.Transforms;

/// <summary>
/// The distributions the augmentations draw from, all from an injected <see cref="Random"/> (never global state):
/// Python's <c>random.uniform</c>/<c>randint</c>/<c>gauss</c> and NumPy's <c>beta</c>, re-implemented.
/// </summary>
internal static class RandomSampling
{
    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>) (Python <c>random.uniform</c>).</summary>
    public static double Uniform(this Random rng, double low, double high) => low + (high - low) * rng.NextDouble();

    /// <summary>Uniform integer in [<paramref name="low"/>, <paramref name="high"/>], both inclusive (Python <c>random.randint</c>).</summary>
    public static int IntInclusive(this Random rng, int low, int high) => rng.Next(low, high + 1);

    /// <summary>Normal with the given mean and standard deviation (Box–Muller).</summary>
    public static double Gaussian(this Random rng, double mean = 0.0, double std = 1.0)
    {
        double u1 = 1.0 - rng.NextDouble(); // (0, 1]: log is finite
        double u2 = rng.NextDouble();
        return mean + std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Gamma(shape, 1) by Marsaglia and Tsang, boosted for shape &lt; 1.</summary>
    public static double Gamma(this Random rng, double shape)
    {
        if (shape < 1.0)
        {
            double u = 1.0 - rng.NextDouble();
            return rng.Gamma(shape + 1.0) * Math.Pow(u, 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0, c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = rng.Gaussian();
                v = 1.0 + c * x;
            }
            while (v <= 0.0);
            v = v * v * v;
            double u = 1.0 - rng.NextDouble();
            if (u < 1.0 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1.0 - v + Math.Log(v)))
                return d * v;
        }
    }

    /// <summary>Beta(<paramref name="a"/>, <paramref name="b"/>) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).</summary>
    public static double Beta(this Random rng, double a, double b)
    {
        double x = rng.Gamma(a), y = rng.Gamma(b);
        return x + y == 0.0 ? (rng.NextDouble() < a / (a + b) ? 1.0 : 0.0) : x / (x + y);
    }
}
