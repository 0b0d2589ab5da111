namespace VapiSync.Client.Queue;

/// <summary>What a queued item asks for.</summary>
public enum SyncQueueOperation
{
    /// <summary>Make the agent's assistant hold the queued definition (<see cref="IVapiAssistantManager.EnsureAssistantAsync"/>).</summary>
    Save,

    /// <summary>Delete the agent's assistant (<see cref="IVapiAssistantManager.DeleteAssistantAsync"/>).</summary>
    Delete,
}
