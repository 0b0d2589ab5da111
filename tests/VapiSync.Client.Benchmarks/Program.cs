using BenchmarkDotNet.Running;

namespace VapiSync.Client.Benchmarks;

/// <summary>dotnet run -c Release --project tests/VapiSync.Client.Benchmarks -- --filter '*'</summary>
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
