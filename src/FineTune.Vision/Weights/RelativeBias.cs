namespace FineTune.Vision.Weights;

/// <summary>
/// The arithmetic of timm's <c>resize_rel_pos_bias_table</c> (timm/layers/pos_embed_rel.py) and of the
/// <c>RegularGridInterpolator</c> it uses (timm/layers/interpolate.py), in float32 as timm computes them.
/// </summary>
internal static class RelativeBias
{
    /// <summary>
    /// timm's <c>_calc(src, dst)</c>: offsets <c>-d_k … -d_1, 0, d_1 … d_k</c> (k = src // 2) with <c>d_1 = 1</c> and
    /// <c>d_{i+1} = d_i + q^i</c>, <c>q</c> the last bisection midpoint in [1.01, 1.5] for which the geometric sum reaches
    /// <c>dst // 2</c>; rounded to float32 as <c>torch.tensor</c> does.
    /// </summary>
    public static float[] SourceOffsets(int src, int dst)
    {
        double left = 1.01, right = 1.5, q = 0;
        while (right - left > 1e-6)
        {
            q = (left + right) / 2.0;
            double gp = (1.0 - Math.Pow(q, src / 2)) / (1.0 - q);
            if (gp > dst / 2) right = q;
            else left = q;
        }
        var dis = new double[src / 2];
        double cur = 1;
        for (int i = 0; i < dis.Length; i++)
        {
            dis[i] = cur;
            cur += Math.Pow(q, i + 1);
        }
        var offsets = new float[2 * dis.Length + 1];
        for (int i = 0; i < dis.Length; i++)
        {
            offsets[dis.Length - 1 - i] = (float)-dis[i];
            offsets[dis.Length + 1 + i] = (float)dis[i];
        }
        return offsets;
    }

    /// <summary>Interpolates head <paramref name="head"/> of a (positions, heads) table at the integer offsets of a dstRows x dstCols grid.</summary>
    public static void Interpolate(float[] table, int heads, int head, float[] y, float[] x, int dstRows, int dstCols, float[] output)
    {
        int srcCols = x.Length;
        var (yl, yr, ydl, ydr) = Brackets(y, dstRows);
        var (xl, xr, xdl, xdr) = Brackets(x, dstCols);
        for (int i = 0; i < dstRows; i++)
        {
            for (int j = 0; j < dstCols; j++)
            {
                float V(int r, int c) => table[(r * srcCols + c) * heads + head];
                float num = V(yl[i], xl[j]) * (ydr[i] * xdr[j]) + V(yl[i], xr[j]) * (ydr[i] * xdl[j])
                          + V(yr[i], xl[j]) * (ydl[i] * xdr[j]) + V(yr[i], xr[j]) * (ydl[i] * xdl[j]);
                float den = (ydl[i] + ydr[i]) * (xdl[j] + xdr[j]);
                output[(i * dstCols + j) * heads + head] = num / den;
            }
        }
    }

    /// <summary>For the target offsets <c>-(n//2) … n//2</c>: the bracketing source indices and distances (torch.bucketize, right=False).</summary>
    private static (int[] Left, int[] Right, float[] DistLeft, float[] DistRight) Brackets(float[] points, int count)
    {
        var (l, r, dl, dr) = (new int[count], new int[count], new float[count], new float[count]);
        float t = count / 2;
        for (int k = 0; k < count; k++)
        {
            float v = -t + k;
            int right = Array.FindIndex(points, p => p >= v);
            if (right < 0) right = points.Length - 1;
            int left = Math.Clamp(right - 1, 0, points.Length - 1);
            float distLeft = Math.Max(0f, v - points[left]), distRight = Math.Max(0f, points[right] - v);
            if (distLeft == 0 && distRight == 0) distLeft = distRight = 1;
            (l[k], r[k], dl[k], dr[k]) = (left, right, distLeft, distRight);
        }
        return (l, r, dl, dr);
    }
}
