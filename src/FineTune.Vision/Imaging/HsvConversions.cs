namespace FineTune.Vision.Imaging;

/// <summary>Pillow's 8-bit RGB↔HSV converters (<c>rgb2hsv_row</c>/<c>hsv2rgb</c> in Convert.c, after colorsys).</summary>
internal static class HsvConversions
{
    public static void RgbToHsv(byte r, byte g, byte b, out byte h, out byte s, out byte v)
    {
        byte max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b));
        v = max;
        if (max == min) { h = 0; s = 0; return; }
        float cr = max - min;
        float sat = cr / max;
        float rc = (max - r) / cr, gc = (max - g) / cr, bc = (max - b) / cr;
        float hue = r == max ? bc - gc : g == max ? 2.0f + rc - bc : 4.0f + gc - rc;
        hue = (float)((hue / 6.0 + 1.0) % 1.0);
        h = Clip8((int)(hue * 255.0));
        s = Clip8((int)(sat * 255.0));
    }

    public static void HsvToRgb(byte h, byte s, byte v, out byte r, out byte g, out byte b)
    {
        if (s == 0) { r = g = b = v; return; }
        int i = (int)Math.Floor(h * 6.0 / 255.0);
        float f = (float)(h * 6.0 / 255.0 - i);
        float fs = (float)(s / 255.0);
        byte p = Clip8((int)Math.Round(v * (1.0 - fs), MidpointRounding.AwayFromZero));
        byte q = Clip8((int)Math.Round(v * (1.0 - fs * f), MidpointRounding.AwayFromZero));
        byte t = Clip8((int)Math.Round(v * (1.0 - fs * (1.0 - f)), MidpointRounding.AwayFromZero));
        (r, g, b) = (i % 6) switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }

    private static byte Clip8(int x) => (byte)(x < 0 ? 0 : x > 255 ? 255 : x);
}
