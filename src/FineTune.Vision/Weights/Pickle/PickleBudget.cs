namespace FineTune.Vision.Weights.Pickle;

/// <summary>
/// Bounds the work a pickle can cause by reusing values through the memo: each copy the unpickler makes of an
/// existing container or string (a tuple turned into a dict key, a list into an OrderedDict, a string into bytes, a
/// size tuple into a tensor shape) is charged against a budget proportional to the pickle's length, so the time and
/// memory of a load stay linear in the file however the values are shared.
/// </summary>
internal sealed class PickleBudget(string path, long pickleBytes)
{
    private long _left = 2 * pickleBytes + (1 << 16);

    /// <summary>Charges <paramref name="units"/> elements or characters copied for <paramref name="what"/>.</summary>
    /// <exception cref="WeightsFormatException">The budget is spent: the pickle is a resource bomb.</exception>
    public void Charge(long units, string what)
    {
        _left -= units;
        if (_left < 0)
        {
            throw new WeightsFormatException(path, null, $"the pickle (data.pkl) copies shared values ({what}) far more often than " +
                $"a state dict does: more than 2 elements per byte of its {pickleBytes} bytes; it was refused as a resource bomb.");
        }
    }
}
