namespace VapiSync.Client.Dashboard.Internal;

/// <summary>Registered by <c>AddVapiSyncDashboard</c> so mapping without it fails with a message that says what to call.</summary>
internal sealed class DashboardMarker;
