using System.Text.Json;
using VapiSync.Client;
using VapiSync.Client.Fleet;

namespace VapiSync.Cli;

/// <summary>
/// A folder of agent definitions, one Vapi assistant JSON file per agent (as Vapi's gitops keeps them): the agent key is
/// the file name without <c>.json</c>.
/// </summary>
internal static class AgentFolder
{
    public static IReadOnlyList<FleetAgent> Load(string path)
    {
        if (!Directory.Exists(path))
        {
            throw new UsageException($"The agent folder '{path}' does not exist.");
        }

        var agents = new List<FleetAgent>();
        foreach (var file in Directory.EnumerateFiles(path, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                agents.Add(new FleetAgent(Path.GetFileNameWithoutExtension(file), AssistantDefinition.FromJson(File.ReadAllText(file))));
            }
            catch (JsonException ex)
            {
                throw new UsageException($"{Path.GetFileName(file)} is not an assistant definition: {ex.Message}", ex);
            }
        }

        return agents;
    }
}
