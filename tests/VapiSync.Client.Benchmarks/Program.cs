using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;

namespace VapiSync.Client.Benchmarks;

/// <summary>dotnet run -c Release --project tests/VapiSync.Client.Benchmarks -- --filter '*'</summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        var types = typeof(Program).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .ToList();
        if (PostgreSqlBulkSyncBenchmarks.ConnectionString is null)
        {
            // Skipped, not failed: the dry smoke run and machines without PostgreSQL still run everything else.
            Console.WriteLine($"VAPISYNC_POSTGRES is not set: {nameof(PostgreSqlBulkSyncBenchmarks)} is skipped (eval \"$(bash .ci/postgres.sh start)\" first).");
            types.Remove(typeof(PostgreSqlBulkSyncBenchmarks));
        }

        BenchmarkSwitcher.FromTypes([.. types]).Run(args);
    }
}
