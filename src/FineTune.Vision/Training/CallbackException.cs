namespace FineTune.Vision.Training;

/// <summary>A callback threw; the message names the callback and the event, the inner exception is the original.</summary>
public sealed class CallbackException : Exception
{
    /// <summary>Wraps <paramref name="inner"/>, thrown by <paramref name="callbackName"/> during <paramref name="trainingEvent"/>.</summary>
    public CallbackException(string callbackName, TrainingEvent trainingEvent, Exception inner)
        : base($"Callback '{callbackName}' failed in {trainingEvent}: {inner?.Message}", inner)
    {
        CallbackName = callbackName;
        Event = trainingEvent;
    }

    /// <summary>The callback's type name.</summary>
    public string CallbackName { get; }

    /// <summary>The event it was handling.</summary>
    public TrainingEvent Event { get; }
}
