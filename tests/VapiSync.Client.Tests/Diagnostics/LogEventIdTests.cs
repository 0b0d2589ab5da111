using System.Reflection;
using Microsoft.Extensions.Logging;

namespace VapiSync.Client.Tests.Diagnostics;

/// <summary>
/// Every shipped assembly's <see cref="LoggerMessageAttribute"/> event ids are unique within it: a log filter, alert or
/// dashboard keyed on an event id must never mix two different events (the fleet's and the queue's once shared 7000–7004).
/// </summary>
public sealed class LogEventIdTests
{
    /// <summary>Every project under src/ (each ships as a package); the test project references them all.</summary>
    public static TheoryData<string> ShippedAssemblies =>
    [
        "VapiSync.Client",
        "VapiSync.Client.Testing",
        "VapiSync.Client.PostgreSql",
        "VapiSync.Client.Dashboard",
        "VapiSync.Client.OpenTelemetry",
        "vapisync", // VapiSync.Cli
    ];

    [Theory]
    [MemberData(nameof(ShippedAssemblies))]
    public void LoggerMessages_EventIdsUniquePerAssembly(string assemblyName)
    {
        var messages = LoggerMessages(Assembly.Load(new AssemblyName(assemblyName)));

        var clashes = messages
            .GroupBy(m => m.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}")
            .ToList();
        Assert.True(clashes.Count == 0, $"{assemblyName} reuses event ids:\n{string.Join('\n', clashes)}");
    }

    [Fact]
    public void LoggerMessages_FoundByReflection()
    {
        // Guards the test above against passing vacuously (the attribute not kept in metadata, or the wrong assembly).
        var messages = LoggerMessages(typeof(VapiSyncOptions).Assembly);

        Assert.Contains(messages, m => m.EventId == 1000 && m.Method.EndsWith(".Log.Synced", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.EventId == 7000 && m.Method.EndsWith(".SyncQueueLog.Enqueued", StringComparison.Ordinal));
    }

    private static List<(int EventId, string Method)> LoggerMessages(Assembly assembly) =>
    [
        .. from type in assembly.GetTypes()
           from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
           let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
           where attribute is not null
           select (attribute.EventId, $"{type.FullName}.{method.Name}"),
    ];
}
