namespace FineTune.Vision.Weights.KeyMapping;

/// <summary>
/// Where one source key goes in timm naming: a plain rename, a slice of a fused q/k/v projection
/// (<see cref="QkvPart"/> 0, 1, 2 of <c>{Key}.qkv.{Kind}</c>), or nowhere (<see cref="Drop"/>, with a reason).
/// </summary>
internal sealed record KeyTarget(string Key, int QkvPart = -1, string Kind = "", string? Drop = null)
{
    public static KeyTarget Rename(string key) => new(key);

    public static KeyTarget Qkv(string attnPrefix, string part, string kind) =>
        new(attnPrefix, part switch { "query" => 0, "key" => 1, _ => 2 }, kind);

    public static KeyTarget Dropped(string key, string reason) => new(key, Drop: reason);
}
